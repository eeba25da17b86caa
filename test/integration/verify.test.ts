// The verify step: the new version's own verification Jobs run after its rollout and before its
// release counts as deployed. Passing, failing (rolled back like a failed rollout), and killed
// while it runs (resumed, the same Job waited for again, not a second one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

const project = isolatedExample("verify", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "60s"];
const smoke = 'smoke: { args: ["--run-script", "smoke-test"] }';

const verifyJobs = async (): Promise<string[]> =>
  (await kube.batch().listNamespacedJob({ namespace: project.namespace })).items
    .map((j) => j.metadata?.name ?? "")
    .filter((n) => n.startsWith("mail-verify-smoke-"))
    .sort();

const mailVersion = async (): Promise<string | undefined> =>
  (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" })).metadata
    ?.annotations?.["slipway.dev/version"];

let current = "0.9.2";
const bump = (to: string): void => {
  project.edit("services/mail/service.ts", `version: "${current}"`, `version: "${to}"`);
  current = to;
};

afterAll(() => removeExample(project.namespace));

describe("verification Jobs after the rollout", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
  });

  it("run after the rollout, pass, and are recorded before the release counts as deployed", async () => {
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("verify the new version: run Job(s) smoke"); // the plan's step
    const rolledOut = r.stderr.indexOf("mail: rolled out: ");
    const verified = r.stderr.indexOf("mail: verified: smoke passed");
    expect(rolledOut).toBeGreaterThan(0);
    expect(verified).toBeGreaterThan(rolledOut);
    expect(r.stderr.indexOf("mail: recorded revision 1")).toBeGreaterThan(verified);
    expect(await verifyJobs()).toEqual(["mail-verify-smoke-r1"]);
    const job = await kube
      .batch()
      .readNamespacedJob({ namespace: project.namespace, name: "mail-verify-smoke-r1" });
    expect(job.status?.succeeded).toBe(1);
    const release = await store.get("mail", 1);
    expect(release.status).toBe("deployed");
    expect(release.steps.map((s) => s.step)).toEqual([
      "gate",
      "check-migrations",
      "migrate",
      "audit-index",
      "apply",
      "rollout",
      "verify",
      "record",
    ]);
    expect(release.checks).toContainEqual(
      expect.objectContaining({ check: "verify/smoke", outcome: "passed" }),
    );
  });

  it("a failing verification rolls the service back like a failed rollout", async () => {
    bump("0.9.3");
    project.edit(
      "services/mail/service.ts",
      smoke,
      `smoke: { args: ["--run-script", "smoke-test"], podLabels: { "${failPodLabel}": "true" } }`,
    );
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout).toBe(ExitCode.rolledBack);
    expect(r.stderr).toContain("mail: rolled out: ");
    expect(r.stderr).toMatch(/mail: verification smoke failed: Job mail-verify-smoke-r2 /);
    expect(r.stderr).toContain("mail: rolled back to revision 1");
    expect(r.stdout).toMatch(
      /mail\s+rolled-back\s+2\s+verification smoke failed: .*rolled back to revision 1 \(0\.9\.2\)/,
    );
    expect(await mailVersion()).toBe("0.9.2");
    const failed = await store.get("mail", 2);
    expect(failed.status).toBe("failed");
    expect(failed.rollback).toMatchObject({ toRevision: 1, outcome: "succeeded" });
    expect(failed.steps.at(-1)).toMatchObject({ step: "verify", status: "failed" });
    expect(failed.checks).toContainEqual(
      expect.objectContaining({ check: "verify/smoke", outcome: "failed" }),
    );
    const status = await slipway(project.config, "status", "--env", "dev");
    expect(status.stdout).toMatch(/^mail\s+0\.9\.2\s+0\.9\.3\s+no\s+1\/1\b/m);
  });

  it("a deploy killed while its verification runs resumes and waits for the same Job", async () => {
    bump("0.9.4");
    project.edit(
      "services/mail/service.ts",
      /smoke: \{ args: \["--run-script", "smoke-test"\], podLabels: \{[^}]*\} \}/,
      smoke,
    );
    await publishDefinedVersions(project.config);
    const running = startSlipway(project.config, ...deploy);
    // The verification Job exists and is being watched: kill now.
    const killed = await running.until(/mail: .*verifying smoke: /).then(
      () => running.child.kill("SIGKILL"),
      () => false,
    );
    await running.exited;
    const stderr = running.stderr();
    expect(killed, stderr).toBe(true);
    expect(stderr).not.toContain("mail: verified");
    const pending = (await store.summaries("mail"))[0];
    expect(pending).toMatchObject({ revision: 3, status: "pending", version: "0.9.4" });

    const again = await slipway(project.config, ...deploy);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /mail: resuming revision 3, interrupted after: gate, check-migrations, migrate, apply, rollout\n/,
    );
    expect(again.stderr).toContain("mail: verified: smoke passed");
    // Waited for the Job the killed deploy started: one per revision, none twice.
    expect(await verifyJobs()).toEqual([
      "mail-verify-smoke-r1",
      "mail-verify-smoke-r2",
      "mail-verify-smoke-r3",
    ]);
    const history = await store.summaries("mail");
    expect(history.filter((h) => h.version === "0.9.4")).toEqual([
      expect.objectContaining({ status: "deployed" }),
    ]);
    expect(history.filter((h) => h.status === "pending")).toEqual([]);
    expect(await mailVersion()).toBe("0.9.4");
  });
});
