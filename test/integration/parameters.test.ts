// Service parameters on the local platform: a deploy with --set, history showing the values, a
// second deploy with another value, and a rollback that brings the first value back into the
// live Deployment (the recorded objects carry it). A secret parameter given with --set-from-env
// appears nowhere: not in the output, not in the release records' decoded content.
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube } from "../support/platform.ts";

const project = isolatedExample("params", { node: "simulated" });
project.edit(
  "services/auth/service.ts",
  "parameters: {",
  `parameters: {
    wayfEnabled: { type: "boolean", default: false, description: "log in through the federation" },
    apiToken: { type: "string", secret: true, required: true },
`,
);
project.edit(
  "services/auth/service.ts",
  "env: {",
  `env: {
      WAYF_ENABLED: (env, params) => String(params.wayfEnabled),
      API_TOKEN: (env, params) => params.apiToken,`,
);

const token = "tok-7f3a9c1e-very-secret";
const tokenVariable = "SLIPWAY_PARAMS_TEST_API_TOKEN";
const deploy = (...flags: string[]) =>
  slipway(
    project.config,
    "deploy",
    "auth",
    "--env",
    "dev",
    "--yes",
    "--timeout",
    "90s",
    "--set-from-env",
    `auth.apiToken=${tokenVariable}`,
    ...flags,
  );

const liveWayf = async (): Promise<string | undefined> =>
  (
    await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "auth" })
  ).spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "WAYF_ENABLED")?.value;

/** Every release record Secret of auth, decoded: what a reader of the namespace's Secrets sees. */
const recordsText = async (): Promise<string> => {
  const secrets = await kube
    .core()
    .listNamespacedSecret({ namespace: project.namespace, labelSelector: "slipway.dev/service=auth" });
  return secrets.items
    .map(
      (s) =>
        JSON.stringify(s.metadata) +
        gunzipSync(Buffer.from(s.data?.release ?? "", "base64")).toString("utf8"),
    )
    .join("\n");
};

const output: string[] = [];
afterAll(() => removeExample(project.namespace));

describe("service parameters, deployed", () => {
  beforeAll(async () => {
    process.env[tokenVariable] = token;
    await provisionExampleDatabases(project.config, "dev");
  });

  it("deploys with --set: the plan shows the values, a secret only as its hash", async () => {
    // The example's own parameter too: its log level, overridden for this deploy.
    const r = await deploy("--set", "auth.wayfEnabled=true", "--set", "auth.logLevel=trace");
    output.push(r.stdout, r.stderr);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /parameters: apiToken="sha256:[0-9a-f]{16}", logLevel="trace", wayfEnabled=true/,
    );
    expect(await liveWayf()).toBe("true");
    // The pods read the secret from the Secret the deploy wrote; the Deployment holds a reference.
    const deployment = await kube
      .apps()
      .readNamespacedDeployment({ namespace: project.namespace, name: "auth" });
    expect(deployment.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "API_TOKEN")).toEqual({
      name: "API_TOKEN",
      valueFrom: { secretKeyRef: { name: "auth-parameters", key: "apiToken" } },
    });
    const secret = await kube
      .core()
      .readNamespacedSecret({ namespace: project.namespace, name: "auth-parameters" });
    expect(Buffer.from(secret.data?.apiToken ?? "", "base64").toString("utf8")).toBe(token);
    const plan = await slipway(
      project.config,
      ...["plan", "auth", "--env", "dev", "-o", "json", "--set-from-env", `auth.apiToken=${tokenVariable}`],
    );
    output.push(plan.stdout, plan.stderr);
    const json = JSON.parse(plan.stdout) as { services: { parameters: Record<string, unknown> }[] };
    expect(json.services[0]?.parameters).toEqual({
      apiToken: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      wayfEnabled: false, // the default, without --set: a deploy now would change WAYF_ENABLED
    });
  });

  it("history shows the parameters of each release", async () => {
    const r = await slipway(project.config, "history", "auth", "--env", "dev");
    output.push(r.stdout, r.stderr);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wayfEnabled=true/);
    expect(r.stdout).toMatch(/apiToken="sha256:[0-9a-f]{16}"/);
  });

  it("a second deploy with another value, then a rollback restores the first in the live object", async () => {
    const second = await deploy("--set", "auth.wayfEnabled=false");
    output.push(second.stdout, second.stderr);
    expect(second.code, second.stderr).toBe(0);
    expect(await liveWayf()).toBe("false");

    const rollback = await slipway(project.config, "rollback", "auth", "--env", "dev", "--timeout", "90s");
    output.push(rollback.stdout, rollback.stderr);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain("auth: rolled back to revision 1");
    expect(await liveWayf()).toBe("true");

    const history = await slipway(project.config, "history", "auth", "--env", "dev", "-o", "json");
    const { releases: summaries } = JSON.parse(history.stdout) as {
      releases: { revision: number; parameters?: Record<string, unknown> }[];
    };
    expect(summaries.map((s) => [s.revision, s.parameters?.wayfEnabled])).toEqual([
      [3, true],
      [2, false],
      [1, true],
    ]);
  });

  it("never shows or records the secret parameter's value", async () => {
    const records = await recordsText();
    expect(records).toContain("wayfEnabled");
    expect(records).toMatch(/sha256:[0-9a-f]{16}/);
    expect(records).not.toContain(token);
    expect(output.join("\n")).not.toContain(token);
    const events = await kube.core().listNamespacedEvent({ namespace: project.namespace });
    expect(JSON.stringify(events.items)).not.toContain(token);
  });
});
