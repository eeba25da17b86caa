import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { DeployLock } from "../../src/procedure/lock.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import {
  removeExample,
  isolatedExample,
  provisionExampleDatabases,
  slipway,
} from "../support/deploy-project.ts";
import { captureOutput } from "../support/output.ts";
import { run } from "../../src/cli/run.ts";
import { kubeRequest } from "../../src/clients/kubernetes/request.ts";
import { kube, platform } from "../support/platform.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import type { StatusDocument } from "../../src/output/documents.ts";

const project = isolatedExample("deploy", { node: "simulated" });
const dev = ["deploy", "--env", "dev", "--yes", "--timeout", "60s"];
const cluster = Cluster.open("local", platform.kubeconfig);
const deployment = (name: string) =>
  kube.apps().readNamespacedDeployment({ namespace: project.namespace, name }) as Promise<V1Deployment>;

afterAll(() => removeExample(project.namespace));

describe("deploying the example platform to the real control plane", () => {
  beforeAll(async () => {
    // Something Slipway does not manage, in the same namespace: it must never be touched.
    await provisionExampleDatabases(project.config, "dev");
    await kube.core().createNamespacedConfigMap({
      namespace: project.namespace,
      body: { metadata: { name: "someone-elses" }, data: { keep: "me" } },
    });
  });

  it("deploys every service from empty, in dependency order, and records each release", async () => {
    const r = await slipway(project.config, ...dev);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/auth\s+deployed\s+1/);
    expect(r.stdout).toMatch(/files\s+deployed\s+1/);
    for (const name of ["auth", "accounting", "files", "mail", "app-orchestrator"]) {
      const d = await deployment(name);
      expect(d.status?.availableReplicas, name).toBe(1);
    }
    const status = await slipway(project.config, "status", "--env", "dev", "-o", "json");
    const rows = (JSON.parse(status.stdout) as StatusDocument).services;
    // The jobs-only service has nothing to be ready; every other one runs one replica.
    expect(rows.every((row) => row.upToDate)).toBe(true);
    expect(rows.filter((row) => row.service !== "maintenance").every((row) => row.ready === "1/1")).toBe(
      true,
    );
    expect(rows.find((row) => row.service === "maintenance")?.ready).toBe("-");
    const plan = await slipway(project.config, "plan", "--env", "dev", "--detailed-exitcode");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("No changes");
  });

  it("plans a change with a field-level diff, deploys it, and supersedes the old release", async () => {
    project.edit("services/files/service.ts", 'version: "1.4.0"', 'version: "1.5.0"');
    project.edit(
      "services/files/service.ts",
      'replicas: (env) => (env.name.startsWith("prod") ? 3 : 1)',
      'replicas: (env) => (env.name.startsWith("prod") ? 3 : 2)',
    );
    const plan = await slipway(project.config, "plan", "files", "--env", "dev", "--detailed-exitcode");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("files  1.4.0 → 1.5.0");
    expect(plan.stdout).toContain("spec.replicas: 1 → 2");
    // Images are pinned by the digest the registry check resolved.
    expect(plan.stdout).toMatch(
      /spec\.template\.spec\.containers\[0\]\.image: "127\.0\.0\.1:25000\/research\/files@sha256:[0-9a-f]{64}" → "127\.0\.0\.1:25000\/research\/files@sha256:[0-9a-f]{64}"/,
    );
    const json = JSON.parse(
      (await slipway(project.config, "plan", "files", "--env", "dev", "-o", "json")).stdout,
    ) as { services: { objects: { kind: string; action: string }[] }[] };
    expect(json.services[0]?.objects.find((o) => o.kind === "Deployment")?.action).toBe("update");

    const r = await slipway(project.config, ...dev, "files");
    expect(r.code, r.stderr).toBe(0);
    expect((await deployment("files")).status?.availableReplicas).toBe(2);
    const history = await new ReleaseStore(cluster, project.namespace).summaries("files");
    expect(history.map((h) => [h.revision, h.version, h.status])).toEqual([
      [2, "1.5.0", "deployed"],
      [1, "1.4.0", "superseded"],
    ]);
  });

  it("prunes what is no longer defined, and nothing it does not manage", async () => {
    project.edit("services/accounting/service.ts", / {2}cronJobs: \{[^\n]*\n/, "");
    project.edit("services/accounting/service.ts", 'version: "2.3.1"', 'version: "2.4.0"');
    const plan = await slipway(project.config, "plan", "accounting", "--env", "dev");
    expect(plan.stdout).toContain("- CronJob/accounting-charge-usage  (prune)");
    const r = await slipway(project.config, ...dev, "accounting");
    expect(r.code, r.stderr).toBe(0);
    await expect(
      kube.batch().readNamespacedCronJob({ namespace: project.namespace, name: "accounting-charge-usage" }),
    ).rejects.toMatchObject({ code: 404 });
    const foreign = await kube
      .core()
      .readNamespacedConfigMap({ namespace: project.namespace, name: "someone-elses" });
    expect(foreign.data).toEqual({ keep: "me" });
  });

  it("rolls back by itself when the new version's pods fail, and says so", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "1.0.0"');
    project.edit(
      "services/mail/service.ts",
      "    port: 8080,",
      `    port: 8080,\n    podLabels: { "${failPodLabel}": "true" },`,
    );
    const r = await slipway(project.config, ...dev, "mail");
    expect(r.code).toBe(ExitCode.rolledBack);
    expect(r.stderr).toMatch(/mail: rollout failed: pod failed: mail-\S+: container mail exited with code 1/);
    expect(r.stderr).toContain("mail: rolled back to revision 1");
    expect(r.stdout).toMatch(
      /mail\s+rolled-back\s+2\s+rollout failed: .* rolled back to revision 1 \(0\.9\.2\)/,
    );
    const live = await deployment("mail");
    expect(live.metadata?.annotations?.["slipway.dev/version"]).toBe("0.9.2");
    expect(live.status?.availableReplicas).toBe(1);
    const failed = await new ReleaseStore(cluster, project.namespace).get("mail", 2);
    expect(failed.status).toBe("failed");
    expect(failed.rollback).toMatchObject({ toRevision: 1, outcome: "succeeded" });
    // put mail back for the tests that follow
    project.edit("services/mail/service.ts", `\n    podLabels: { "${failPodLabel}": "true" },`, "");
    project.edit("services/mail/service.ts", 'version: "1.0.0"', 'version: "0.9.2"');
  });

  it("refuses a concurrent deploy and says who holds the lock", async () => {
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    try {
      project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
      const r = await slipway(project.config, ...dev, "auth");
      expect(r.code).toBe(ExitCode.lockHeld);
      expect(r.stderr).toContain(`error: another deploy holds the lock: ${other.holderIdentity}, since `);
      expect(r.stderr).toContain("--wait-for-lock");
      expect((await deployment("auth")).metadata?.annotations?.["slipway.dev/version"]).toBe("1.0.0");
    } finally {
      await other.release();
    }
    const r = await slipway(project.config, ...dev, "auth");
    expect(r.code, r.stderr).toBe(0);
  });

  it("asks before deploying, refuses without a terminal, and --dry-run changes nothing", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    const noTerminal = await slipway(project.config, "deploy", "--env", "dev", "mail");
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain(
      "refusing to deploy without confirmation: no terminal to ask on\n  hint: pass --yes",
    );
    const declined = captureOutput(["n"]);
    expect(
      await run(
        ["deploy", "--env", "dev", "mail", "-c", project.config, "--kubeconfig", platform.kubeconfig],
        declined,
      ),
    ).toBe(1);
    expect(declined.stdout).toContain("Not deployed.");
    const dry = await slipway(project.config, "deploy", "--env", "dev", "mail", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /mail\s+dry-run\s+-\s+server accepted 3 object\(s\) and 0 deletion\(s\) in a dry run/,
    );
    expect((await deployment("mail")).metadata?.annotations?.["slipway.dev/version"]).toBe("0.9.2");
    const accepted = captureOutput(["y"]);
    expect(
      await run(
        ["deploy", "--env", "dev", "mail", "-c", project.config, "--kubeconfig", platform.kubeconfig],
        accepted,
      ),
      accepted.stderr,
    ).toBe(0);
    expect((await deployment("mail")).metadata?.annotations?.["slipway.dev/version"]).toBe("0.9.3");
  });

  it("reports a conflict with another field manager, and takes the fields only with --force-conflicts", async () => {
    // Someone scales by hand with their own field manager.
    await kubeRequest(cluster.kubeConfig, {
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${project.namespace}/deployments/mail`,
      query: { fieldManager: "hand-edit", force: "true" },
      contentType: "application/apply-patch+yaml",
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "mail", namespace: project.namespace },
        spec: { replicas: 3 },
      },
    });
    // The plan's server-side dry run finds it: refused before the lock, nothing applied.
    const conflict = await slipway(project.config, ...dev, "mail");
    expect(conflict.code).toBe(ExitCode.refused);
    expect(conflict.stderr).toContain(
      '✗ conflict with field manager "hand-edit", which owns: .spec.replicas',
    );
    expect(conflict.stderr).toMatch(/error: refused: the apply would conflict .*--force-conflicts/);
    expect((await deployment("mail")).spec?.replicas).toBe(3);
    const forced = await slipway(project.config, ...dev, "mail", "--force-conflicts");
    expect(forced.code, forced.stderr).toBe(0);
    expect((await deployment("mail")).spec?.replicas).toBe(1);
  });

  it("unlocks only with --force, and records who removed whose lock", async () => {
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    expect((await slipway(project.config, "unlock", "--env", "dev")).code).toBe(2);
    const r = await slipway(project.config, "unlock", "--env", "dev", "--force");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed the lock held by ${other.holderIdentity}`);
    const events = await kube.core().listNamespacedEvent({ namespace: project.namespace });
    expect(events.items.find((e) => e.reason === "SlipwayUnlockForced")?.message).toContain(
      `removed the deploy lock held by ${other.holderIdentity}`,
    );
    await other.release();
  });

  it("runs a named ad-hoc job and waits for it", async () => {
    const r = await slipway(project.config, "job", "files", "reindex", "--env", "dev");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Job files-reindex-\w+: completed\n/);
  });

  it("rolls back on request to an earlier revision", async () => {
    const r = await slipway(project.config, "rollback", "files", "--env", "dev", "--to", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("files: rolled back to revision 1 (1.4.0) as revision 3");
    const d = await deployment("files");
    expect(d.metadata?.annotations?.["slipway.dev/version"]).toBe("1.4.0");
    const history = await slipway(project.config, "history", "files", "--env", "dev");
    expect(history.stdout).toMatch(/3\s+1\.4\.0\s+deployed .* rollback to revision 1 \(1\.4\.0\)/);
  });
});
