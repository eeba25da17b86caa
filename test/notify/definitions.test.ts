import { afterAll, describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

const withNotifications = (notifications: string): string => {
  const config = minimalConfig.replace(
    'databases: { main: { secret: "main-db" } },\n    }),',
    `databases: { main: { secret: "main-db" } },\n      notifications: ${notifications},\n    }),`,
  );
  expect(config).toContain("notifications:");
  return config;
};

const load = (notifications: string) =>
  loadProject(
    scratchProject({
      "slipway.config.ts": withNotifications(notifications),
      "services/api/service.ts": service(`{ name: "api", version: "1", image: "api", deployment: {} }`),
    }).config,
  );

async function problemsOf(notifications: string): Promise<string> {
  const error = await load(notifications).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  const rendered = (error as DefinitionError).render();
  expect(rendered).not.toMatch(/\n\s+at /);
  return rendered;
}

describe("notifications in the definitions", () => {
  it("loads the three kinds of destination, their secrets as references", async () => {
    const project = await load(`[
      { name: "ops", type: "webhook", url: "https://hooks.example.org/x", signingKey: { secret: "ops-hook", key: "hmac" } },
      { name: "chat", type: "slack", on: "failures", repeatWindow: "30m", url: { env: "SLACK_URL" } },
      { name: "team", type: "email", from: "a@example.org", to: ["b@example.org"],
        smtp: { host: "smtp.example.org", port: 587, username: "u", password: { secret: "smtp", key: "password" } } },
    ]`);
    expect(project.environments[0]?.notifications?.map((d) => d.type)).toEqual(["webhook", "slack", "email"]);
  });

  it("refuses a secret written as a value, at the field", async () => {
    const problems = await problemsOf(
      `[{ name: "ops", type: "webhook", url: "https://hooks.example.org/x", signingKey: "s3cret-in-the-repo" }]`,
    );
    expect(problems).toMatch(/environments\[0\]\.notifications\[0\]\.signingKey/);
    expect(problems).not.toContain("s3cret-in-the-repo");
    expect(problems).toContain("is a secret written as a value");
  });

  it("refuses an unknown type and a bad repeat window, each where it is", async () => {
    const problems = await problemsOf(
      `[{ name: "ops", type: "pager", url: "https://x.example.org" }, { name: "b", type: "slack", url: { env: "U" }, repeatWindow: "soon" }]`,
    );
    expect(problems).toMatch(/environments\[0\]\.notifications\[0\]\.type/);
    expect(problems).toMatch(
      /environments\[0\]\.notifications\[1\]\.repeatWindow: must be a duration such as "30m" or "1h"/,
    );
  });
});
