// The escape hatch on the local platform, through the built binary: a patched field and a raw
// object show in the plan's diff, the plan's server dry run validates both (strictly), and the
// deploy applies them labelled like Slipway's own objects.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isolatedExample,
  deploySharedConfigOwner,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { slipwayBin } from "../support/slipway-bin.ts";

const project = isolatedExample("hatch", { node: "simulated" });
const ns = project.namespace;

const plan = async (): Promise<{ code: number; stdout: string }> => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      slipwayBin,
      ...["plan", "mail", "--env", "dev", "-c", project.config, "--kubeconfig", platform.kubeconfig],
    ]);
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "" };
  }
};

const statefulSet = `{
      apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "mail-queue" },
      spec: {
        serviceName: "mail", replicas: 1,
        selector: { matchLabels: { app: "mail-queue" } },
        template: { metadata: { labels: { app: "mail-queue" } }, spec: { containers: [{ name: "queue", image: "127.0.0.1:25000/research/mail:0.9.2" }] } },
      },
    }`;

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config);
  const deployed = await slipway(
    project.config,
    "deploy",
    "mail",
    "--env",
    "dev",
    "--yes",
    "--timeout",
    "90s",
  );
  expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
  await publishDefinedVersions(project.config);
}, 240_000);
afterAll(() => removeExample(ns));

describe("patches and raw objects", () => {
  it("show in the plan's diff: the patched field, and the raw object to create", async () => {
    project.edit(
      "services/mail/service.ts",
      'secrets: ["mail-smtp"],',
      `secrets: ["mail-smtp"],
  patches: [{ target: { kind: "Deployment", name: "mail" }, merge: { spec: { progressDeadlineSeconds: 120 } } }],
  objects: [${statefulSet}],`,
    );
    const r = await plan();
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("~ Deployment/mail  (update, patched)");
    expect(r.stdout).toContain("spec.progressDeadlineSeconds: 600 → 120");
    expect(r.stdout).toContain("+ StatefulSet/mail-queue  (create, raw object)");
    expect(r.stdout).not.toContain("BLOCKED");
  });

  it("are validated by the plan's server dry run: an unknown field blocks, naming it", async () => {
    project.edit(
      "services/mail/service.ts",
      "progressDeadlineSeconds: 120",
      "progressDeadlineSeconds: 120, paused2: true",
    );
    project.edit(
      "services/mail/service.ts",
      'serviceName: "mail", replicas: 1,',
      'serviceName: "mail", replicas: 1, podManagement: "Parallel",',
    );
    const r = await plan();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /✗ the server refuses this apply \(\d+ \w+\): .*\.spec\.paused2: field not declared in schema/,
    );
    expect(r.stdout).toMatch(
      /✗ the server refuses this apply \(\d+ \w+\): .*\.spec\.podManagement: field not declared in schema/,
    );
    expect(r.stdout).toMatch(
      /BLOCKED: .*the server refuses the apply of Deployment\/mail .*StatefulSet\/mail-queue/,
    );
    project.edit("services/mail/service.ts", ", paused2: true", "");
    project.edit("services/mail/service.ts", ' podManagement: "Parallel",', "");
  });

  it("deploy: the raw object carries Slipway's labels, the patched field is applied", async () => {
    const deployed = await slipway(
      project.config,
      "deploy",
      "mail",
      "--env",
      "dev",
      "--yes",
      "--timeout",
      "90s",
    );
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    const queue = await kube.apps().readNamespacedStatefulSet({ name: "mail-queue", namespace: ns });
    expect(queue.metadata?.labels).toMatchObject({
      "app.kubernetes.io/name": "mail",
      "app.kubernetes.io/managed-by": "slipway",
    });
    const mail = await kube.apps().readNamespacedDeployment({ name: "mail", namespace: ns });
    expect(mail.spec?.progressDeadlineSeconds).toBe(120);
    const again = await plan();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no changes");
    const drift = await slipway(project.config, "drift", "mail", "--env", "dev");
    expect(drift.code, drift.stdout).toBe(0);
  });

  it("a raw object no longer defined is pruned like Slipway's own", async () => {
    project.edit("services/mail/service.ts", /\n {2}objects: \[[\s\S]*?\n {4}\}\],/, "");
    const r = await plan();
    expect(r.stdout).toContain("- StatefulSet/mail-queue  (prune)");
  });
});
