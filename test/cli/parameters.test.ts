import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  exampleConfig,
  minimalConfig,
  removeScratchMadeHere,
  scratchProject,
  service,
} from "../support/project.ts";
import { slipwayBin } from "../support/slipway-bin.ts";

// --set and --set-from-env through the real binary: every mistake is refused with exit code 2
// before anything is contacted (the kubeconfig names no reachable server), naming the flag, the
// service and the parameter; a secret's value is never echoed.
afterAll(removeScratchMadeHere);

const project = scratchProject({
  "slipway.config.ts": minimalConfig,
  "services/auth/service.ts": service(`{
    name: "auth", version: "1", image: "auth",
    parameters: {
      wayfEnabled: { type: "boolean", default: false },
      apiToken: { type: "string", secret: true },
      tosVersion: { type: "integer", default: 1 },
    },
    deployment: { port: 8080, env: { WAYF: (env, params) => String(params.wayfEnabled) } },
  }`),
});
const kubeconfig = scratchProject({
  "kubeconfig.yaml": `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: nobody, user: { token: unused } }]
contexts: [{ name: elsewhere, context: { cluster: nowhere, user: nobody } }]
current-context: elsewhere
`,
}).root;

const run = (command: string, ...flags: string[]) =>
  spawnSync(
    process.execPath,
    [
      slipwayBin,
      command,
      "-e",
      "dev",
      "-c",
      project.config,
      "--kubeconfig",
      `${kubeconfig}/kubeconfig.yaml`,
      ...flags,
    ],
    { encoding: "utf8", env: { ...process.env, SLIPWAY_TEST_TOKEN: "s3cr3t-from-env" } },
  );

describe.each(["plan", "deploy"])("%s --set", (command) => {
  it.each([
    [["--set", "auth.wayfEnabled"], /--set "auth\.wayfEnabled": expected <service>\.<parameter>=<value>/],
    [["--set", "wayfEnabled=true"], /--set "wayfEnabled=true": expected <service>\.<parameter>=<value>/],
    [
      ["--set", "auth.wayfEnabled=maybe"],
      /--set auth\.wayfEnabled: parameter "wayfEnabled" of service "auth" is a boolean, found "maybe" \(expected true or false\)/,
    ],
    [
      ["--set", "auth.tosVersion=1.5"],
      /--set auth\.tosVersion: parameter "tosVersion" of service "auth" is an integer, found "1\.5" \(expected a whole number such as 3\)/,
    ],
    [
      ["--set", "auth.colour=red"],
      /--set auth\.colour: service "auth" has no parameter "colour" \(its parameters: wayfEnabled, apiToken, tosVersion\)/,
    ],
    [["--set", "mail.x=1"], /--set mail\.x: no service "mail" \(services: auth\)/],
    [
      ["--set-from-env", "auth.apiToken=SLIPWAY_UNSET_VARIABLE"],
      /--set-from-env auth\.apiToken=SLIPWAY_UNSET_VARIABLE: the environment variable SLIPWAY_UNSET_VARIABLE is not set/,
    ],
    [
      ["--set", "auth.apiToken=hunter2-on-the-command-line"],
      /--set auth\.apiToken: parameter "apiToken" of service "auth" is secret: give it with --set-from-env auth\.apiToken=ENV_VAR/,
    ],
  ])("refuses %j with exit code 2", (flags, message) => {
    const result = run(command, ...flags);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain("hunter2");
  });
});

it("takes a secret from the environment variable without saying it, even when another flag is wrong", () => {
  const result = run(
    "plan",
    "--set-from-env",
    "auth.apiToken=SLIPWAY_TEST_TOKEN",
    "--set",
    "auth.wayfEnabled=1",
  );
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/parameter "wayfEnabled" of service "auth" is a boolean, found "1"/);
  expect(result.stderr + result.stdout).not.toContain("s3cr3t");
});

it("renders with --set: the objects a deploy with that value would apply", () => {
  const result = spawnSync(
    process.execPath,
    [
      slipwayBin,
      "render",
      "auth",
      "-e",
      "dev",
      "-c",
      exampleConfig,
      "-o",
      "json",
      "--set",
      "auth.logLevel=trace",
    ],
    { encoding: "utf8" },
  );
  expect(result.status, result.stderr).toBe(0);
  const { items: objects } = JSON.parse(result.stdout) as {
    items: {
      kind: string;
      spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } };
    }[];
  };
  const env = objects.find((o) => o.kind === "Deployment")?.spec?.template?.spec?.containers?.[0]?.env;
  expect(env).toContainEqual({ name: "LOG_LEVEL", value: "trace" });
});
