import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { ServerDryRun } from "../../src/plan/server-dry-run.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform, platformBinaries } from "../support/platform.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

const project = isolatedExample("conflicts", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const plan = (...args: string[]) => slipway(project.config, "plan", "--env", "dev", ...args);
const deploy = (...args: string[]) =>
  slipway(project.config, "deploy", "--env", "dev", "--yes", "--timeout", "60s", ...args);
const auth = () =>
  kube
    .apps()
    .readNamespacedDeployment({ namespace: project.namespace, name: "auth" }) as Promise<V1Deployment>;
const logLevel = (d: V1Deployment) =>
  d.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "LOG_LEVEL")?.value;
const history = async () =>
  (await new ReleaseStore(cluster, project.namespace).summaries("auth")).map((s) => [s.revision, s.status]);

// The server's own notation for the field `kubectl set env` took from Slipway.
const field = '.spec.template.spec.containers[name="auth"].env[name="LOG_LEVEL"].value';

afterAll(() => removeExample(project.namespace));

describe("the plan predicts the field-manager conflicts the apply will meet", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const deployed = await deploy();
    expect(deployed.code, deployed.stderr).toBe(0);
    // A hand edit, as a new user makes it: the real kubectl, its own field manager (kubectl-set).
    const { kubectl } = await platformBinaries();
    await promisify(execFile)(kubectl, [
      "--kubeconfig",
      platform.kubeconfig,
      "--context",
      "local",
      "-n",
      project.namespace,
      "set",
      "env",
      "deployment/auth",
      "LOG_LEVEL=by-hand",
    ]);
    expect(logLevel(await auth())).toBe("by-hand");
  });

  it("shows the conflict in the plan: the manager, the field and the fix, and blocks", async () => {
    const r = await plan();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("~ Deployment/auth  (update)");
    expect(r.stdout).toContain(`✗ conflict with field manager "kubectl-set" (apps/v1), which owns: ${field}`);
    expect(r.stdout).toContain("deploy with --force-conflicts to take them over");
    expect(r.stdout).toContain(
      'BLOCKED: the apply would conflict with field manager(s) "kubectl-set" on 1 field(s) of Deployment/auth',
    );

    const json = JSON.parse((await plan("-o", "json")).stdout) as {
      blocked: boolean;
      services: { service: string; dryRun?: ServerDryRun }[];
    };
    expect(json.blocked).toBe(true);
    expect(json.services.find((s) => s.service === "auth")?.dryRun).toEqual({
      objects: 1,
      forced: false,
      findings: [
        {
          kind: "Deployment",
          name: "auth",
          outcome: "conflict",
          conflicts: [{ manager: "kubectl-set", apiVersion: "apps/v1", fields: [field] }],
        },
      ],
    });
    // Only objects to update are dry-run; services without any carry nothing.
    expect(json.services.find((s) => s.service === "files")?.dryRun).toBeUndefined();
  });

  it("says with --force-conflicts that the apply takes the field over, and does not block", async () => {
    const r = await plan("--force-conflicts");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `! takes over from field manager "kubectl-set" (apps/v1) (--force-conflicts): ${field}`,
    );
    expect(r.stdout).not.toContain("BLOCKED");
  });

  it("refuses the deploy before anything changed: no rollback, no release record, the hand edit kept", async () => {
    const before = await auth();
    const releases = await history();
    const r = await deploy();
    expect(r.code).toBe(ExitCode.refused);
    expect(r.stderr).toContain(
      'error: refused: the apply would conflict with field manager(s) "kubectl-set" on 1 field(s) of Deployment/auth (--force-conflicts takes them over) (see above); nothing was deployed',
    );
    expect(r.stderr).not.toContain("rolled back");
    expect(r.stdout).not.toContain("skipped");
    const after = await auth();
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    // Not resourceVersion: the Deployment controller may write status meanwhile.
    expect(logLevel(after)).toBe("by-hand");
    expect(await history()).toEqual(releases);
    expect(releases).toEqual([[1, "deployed"]]);
  });

  it("takes the field back with deploy --force-conflicts", async () => {
    const r = await deploy("--force-conflicts");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('takes over from field manager "kubectl-set"');
    const after = await auth();
    expect(logLevel(after)).toBe("debug");
    expect(await history()).toEqual([
      [2, "deployed"],
      [1, "superseded"],
    ]);
    const clean = await plan("--detailed-exitcode");
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain("No changes");
  });
});
