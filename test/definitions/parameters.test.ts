import { afterAll, describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { ParameterOverride } from "../../src/definitions/parameters.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

const auth = service(`{
  name: "auth", version: "1", image: "auth",
  parameters: {
    wayfEnabled: { type: "boolean", default: false, description: "log in through the federation" },
    sessionMinutes: { type: "number", default: 30 },
    theme: { type: "string" },
    apiToken: { type: "string", secret: true, required: true },
  },
  deployment: {
    port: 8080,
    env: {
      WAYF: (env, params) => String(params.wayfEnabled),
      SESSION: (env, params) => String(params.sessionMinutes),
      THEME: (env, params) => params.theme ?? "plain",
      API_TOKEN: (env, params) => params.apiToken,
    },
  },
}`);

/** The example's config with the given parameters for dev and for prod. */
const config = (dev: string, prod: string): string =>
  minimalConfig
    .replace('databases: { main: { secret: "main-db" } },', `parameters: ${dev},`)
    .replace('databases: { main: { secret: "main-db" } },', `parameters: ${prod},`);

const set = (text: string, fromEnv = false): ParameterOverride => {
  const [name = "", value = ""] = text.split("=");
  const [service = "", parameter = ""] = name.split(".");
  return {
    service,
    parameter,
    text: value,
    origin: `${fromEnv ? "--set-from-env" : "--set"} ${name}`,
    fromEnv,
  };
};

async function problems(root: { config: string }, overrides: ParameterOverride[] = []): Promise<string[]> {
  const error = await loadProject(root.config, {
    overrides: { environment: "dev", set: overrides },
    requireParameters: true,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  return (error as DefinitionError)
    .render()
    .split("\n")
    .map((l) => l.replace(/^.*?(services\/|slipway\.config)/, "$1"));
}

describe("service parameters", () => {
  it("takes the default, then the environment's value, then --set; functions read them typed", async () => {
    const p = scratchProject({
      "slipway.config.ts": config(
        '{ auth: { wayfEnabled: true, apiToken: "dev-token" } }',
        '{ auth: { theme: "dark", apiToken: "prod-token" } }',
      ),
      "services/auth/service.ts": auth,
    });
    const project = await loadProject(p.config, {
      overrides: { environment: "dev", set: [set("auth.sessionMinutes=5"), set("auth.theme=blue")] },
    });
    const model = (env: string) => project.services.get(env)?.[0];
    expect(model("dev")?.spec.deployment?.env).toEqual({
      WAYF: "true",
      SESSION: "5",
      THEME: "blue",
      // A secret one reaches a function as a reference to the Secret the deploy writes: what
      // functions return is shown in the plan and recorded.
      API_TOKEN: { secret: "auth-parameters", key: "apiToken" },
    });
    expect(model("prod")?.spec.deployment?.env).toEqual({
      WAYF: "false",
      SESSION: "30",
      THEME: "dark",
      API_TOKEN: { secret: "auth-parameters", key: "apiToken" },
    });
    expect(model("dev")?.parameters).toEqual({
      wayfEnabled: true,
      sessionMinutes: 5,
      theme: "blue",
      apiToken: "dev-token",
    });
  });

  it("refuses unknown parameters, wrong types and a missing required one, naming service and parameter", async () => {
    const p = scratchProject({
      "slipway.config.ts": config(
        '{ auth: { wayfEnabled: "yes", colour: "red" }, billing: { x: 1 } }',
        '{ auth: { apiToken: "t" } }',
      ),
      "services/auth/service.ts": auth,
    });
    expect(await problems(p, [set("auth.sessionMinutes=soon"), set("auth.nope=1"), set("mail.x=1")])).toEqual(
      [
        'slipway.config.ts: environments[0].parameters.billing: no service "billing" (services: auth) (environment dev)',
        '--set mail.x: no service "mail" (services: auth) (environment dev)',
        'slipway.config.ts: environments[0].parameters.auth.wayfEnabled: parameter "wayfEnabled" of service "auth" is a boolean, found string (environment dev)',
        'slipway.config.ts: environments[0].parameters.auth.colour: service "auth" has no parameter "colour" (its parameters: wayfEnabled, sessionMinutes, theme, apiToken) (environment dev)',
        '--set auth.sessionMinutes: parameter "sessionMinutes" of service "auth" is a number, found "soon" (environment dev)',
        '--set auth.nope: service "auth" has no parameter "nope" (its parameters: wayfEnabled, sessionMinutes, theme, apiToken) (environment dev)',
        'services/auth/service.ts: parameters.apiToken: parameter "apiToken" of service "auth" is required: give it in the environment\'s parameters.auth, or deploy with --set auth.apiToken=... (a secret: --set-from-env auth.apiToken=ENV_VAR) (environment dev)',
      ],
    );
  });

  it("takes a secret parameter only from an environment variable, and never says its value", async () => {
    const p = scratchProject({
      "slipway.config.ts": config("{}", '{ auth: { apiToken: "t" } }'),
      "services/auth/service.ts": auth,
    });
    const lines = await problems(p, [set("auth.apiToken=hunter2-value")]);
    expect(lines).toEqual([
      '--set auth.apiToken: parameter "apiToken" of service "auth" is secret: give it with --set-from-env auth.apiToken=ENV_VAR, not on the command line (environment dev)',
      expect.stringContaining('parameters.apiToken: parameter "apiToken" of service "auth" is required'),
    ]);
    expect(lines.join("\n")).not.toContain("hunter2");
    const project = await loadProject(p.config, {
      overrides: { environment: "dev", set: [set("auth.apiToken=hunter2-value", true)] },
    });
    expect(project.services.get("dev")?.[0]?.parameters.apiToken).toBe("hunter2-value");
    // Commands other than plan and deploy (history, rollback) read the project without it.
    expect((await loadProject(p.config)).services.get("dev")?.[0]?.parameters).toEqual({
      wayfEnabled: false,
      sessionMinutes: 30,
    });
  });

  it("checks declarations: the type, a default of another type, the name", async () => {
    const p = scratchProject({
      "slipway.config.ts": config("{}", "{}"),
      "services/auth/service.ts": service(`{
        name: "auth", version: "1", image: "auth", deployment: {},
        parameters: { a: { type: "list" }, b: { type: "number", default: "3" }, "Bad-Name": { type: "string" } },
      }`),
    });
    const secrets = scratchProject({
      "slipway.config.ts": config("{}", "{}"),
      "services/auth/service.ts": service(`{
        name: "auth", version: "1", image: "auth", deployment: {},
        parameters: { pin: { type: "number", secret: true }, key: { type: "string", secret: true, default: "k" } },
      }`),
    });
    expect(await problems(secrets)).toEqual([
      "services/auth/service.ts: parameters.pin.secret: a secret parameter must be a string: the hash shown of a number would give its value away",
      "services/auth/service.ts: parameters.key.default: a secret parameter has no default: a definition never holds a secret value",
    ]);
    expect(await problems(p)).toEqual([
      expect.stringMatching(
        /^services\/auth\/service\.ts: parameters\.a\.type: expected one of "string", "number", "integer", "boolean", found string "list"$/,
      ),
      expect.stringMatching(
        /^services\/auth\/service\.ts: parameters: the name "Bad-Name" must be a parameter name/,
      ),
    ]);
  });
});
