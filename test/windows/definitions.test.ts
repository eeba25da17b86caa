// Windows as a project declares them: the project's apply to every environment, before each
// environment's own; a mistake is said at its place in slipway.config.ts, with no stack trace.
import { afterAll, describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

const holidays = `{ deny: { from: "2026-12-23", to: "2027-01-01", timeZone: "Europe/Copenhagen" }, reason: "holidays" }`;
const weekend = `{ deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" }, reason: "weekend" }`;

const project = (config: string) =>
  scratchProject({
    "slipway.config.ts": config,
    "services/api/service.ts": service(`{ name: "api", version: "1.0.0", image: "api", deployment: {} }`),
  });

describe("windows in slipway.config.ts", () => {
  it("gives every environment the project's windows, then its own", async () => {
    const config = minimalConfig
      .replace(`name: "demo",`, `name: "demo",\n  windows: [${holidays}],`)
      .replace(
        `defaults: { replicas: 2 },`,
        `defaults: { replicas: 2 },\n      windows: [${weekend}],\n      breakGlass: { groups: ["oncall"] },`,
      );
    const loaded = await loadProject(project(config).config);
    const reasons = (env: string) =>
      loaded.environments.find((e) => e.name === env)?.windows?.map((w) => w.reason);
    expect(reasons("dev")).toEqual(["holidays"]);
    expect(reasons("prod")).toEqual(["holidays", "weekend"]);
    expect(loaded.environments.find((e) => e.name === "prod")?.breakGlass).toEqual({ groups: ["oncall"] });
  });

  it("says a project window's mistake at its path", async () => {
    const config = minimalConfig.replace(
      `name: "demo",`,
      `name: "demo",\n  windows: [{ deny: { from: "2026-12-23", to: "2027-01-01", timeZone: "Europe/Kopenhagen" }, reason: "holidays" }],`,
    );
    const error = await loadProject(project(config).config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).render()).toMatch(
      /slipway\.config\.ts: windows\[0\]\.deny\.timeZone: expected an IANA time zone such as "Europe\/Copenhagen" or "UTC", found string "Europe\/Kopenhagen"$/,
    );
  });
});
