import { afterAll, describe, expect, it } from "vitest";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";
import { runSlipway } from "../support/slipway-bin.ts";

// `slipway validate` on a project of a thousand services, through the binary: the service files
// are compiled in one pass (bench/load.ts measures it), and a mistake in one of them is still
// said at its file and line, once, with exit code 2 and no stack trace.
afterAll(removeScratchMadeHere);

function thousandServices(replaced: Record<string, string> = {}): string {
  const files: Record<string, string> = { "slipway.config.ts": minimalConfig };
  for (let i = 0; i < 1000; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    files[`services/${name}/service.ts`] = service(
      `{ name: "${name}", version: "1.0.0", image: "${name}", deployment: { port: 8080 } }`,
    );
  }
  return scratchProject({ ...files, ...replaced }).config;
}

describe("slipway validate on a thousand services", () => {
  it("says they are valid", async () => {
    const r = await runSlipway(["-c", thousandServices(), "validate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^demo: 1000 services, 2 environments \(dev, prod\): valid/m);
  });

  it("locates a syntax error in the 700th to its file and line", async () => {
    const config = thousandServices({
      "services/svc-699/service.ts": `import { defineService } from "slipway";\nexport default defineService({ name: "svc-699", version: "1" image: "svc-699" });\n`,
    });
    const r = await runSlipway(["-c", config, "validate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^\S*services\/svc-699\/service\.ts: cannot be loaded: \S*services\/svc-699\/service\.ts:2:\d+: ERROR: Expected "}" but found "image"$/,
      ),
      "1 problem in the definitions; nothing was rendered or changed",
    ]);
  });
});
