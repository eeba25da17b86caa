import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kubeAt, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

// Moving a platform from a cluster Rancher manages to a K3s one: two real control planes
// (contexts rancher and k3s of the local platform), the full procedure on the target.
const project = isolatedExample("move", { node: "simulated" });
const rancherNs = `${project.namespace}-rancher`;
const k3sNs = `${project.namespace}-k3s`;
project.edit("slipway.config.ts", 'namespace: "research"', `namespace: "${rancherNs}"`);
project.edit(
  "slipway.config.ts",
  "export default defineProject",
  `/** The same production platform on the team's new K3s cluster. */
const prodK3s = defineEnvironment({
  name: "prod-k3s",
  cluster: { context: "k3s", namespace: "${k3sNs}", flavour: "k3s" },
  defaults: { replicas: 2 },
  values: prod.values,
  // The same platform: the audit indices stay where they are.
  search: prod.search,
  ...shared,
});

export default defineProject`,
);
project.edit("slipway.config.ts", "environments: [dev, prod]", "environments: [dev, prod, prodK3s]");

const client = (context: string) => ({
  apps: kubeAt(context).apps(),
  core: kubeAt(context).core(),
  batch: kubeAt(context).batch(),
});
const rancher = client("rancher");
const k3s = client("k3s");
const move = ["cluster", "move", "--from", "prod", "--to", "prod-k3s"];

/** Runs the move as its own process and SIGKILLs it once its output shows `marker`. */
async function moveKilledAt(marker: RegExp): Promise<{ killed: boolean; output: string }> {
  await publishDefinedVersions(project.config);
  const running = startSlipway(project.config, ...move, "--cutover", "--yes");
  const killed = await running.until(marker, "both").then(
    () => running.child.kill("SIGKILL"),
    () => false,
  );
  await running.exited;
  return { killed, output: running.output() };
}

/** Deletes a namespace; one that is already gone is fine, any other failure is not. */
async function deleteNamespace(core: ReturnType<typeof client>["core"], name: string): Promise<void> {
  await core.deleteNamespace({ name }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 404) throw error;
  });
}

afterAll(async () => {
  await removeExample(project.namespace);
  await deleteNamespace(rancher.core, rancherNs);
  await deleteNamespace(k3s.core, k3sNs);
});

describe("slipway cluster move, between two real control planes", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "prod");
    const r = await slipway(project.config, "deploy", "--env", "prod", "--yes", "--timeout", "90s");
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("--dry-run shows the source, the target's plan and the references to copy, and changes nothing", async () => {
    const r = await slipway(project.config, ...move, "--cutover", "--dry-run");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/files\s+1\.4\.0\s+1\s+sha256:[0-9a-f]{64}/);
    expect(r.stdout).toContain("Secret/files-db");
    expect(r.stdout).toContain("Secret/registry-credentials");
    expect(r.stdout).toContain("Dry run: nothing copied, deployed or scaled.");
    // Not found, nothing else: an unreachable or refusing API server must not pass for "changed nothing".
    await expect(k3s.core.readNamespace({ name: k3sNs })).rejects.toMatchObject({ code: 404 });
  });

  it("resumes a move killed halfway, cuts over once the target is healthy, and deletes nothing in the source", async () => {
    const killed = await moveKilledAt(/applied \d+ object/);
    expect(killed.killed, killed.output).toBe(true);

    const r = await slipway(project.config, ...move, "--cutover", "--yes");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const log = r.stdout + r.stderr;
    expect(log).toMatch(/resuming the move to prod-k3s started .*; done: copy/);
    // Side by side: the same version and image on both, every target replica ready.
    expect(log).toMatch(/files\s+1\.4\.0\s+\d+\/\d+\s+1\.4\.0\s+(\d+)\/\1\s+yes/);

    // The target runs every service at the source's version and image digest.
    const source = (await rancher.apps.listNamespacedDeployment({ namespace: rancherNs }))
      .items as V1Deployment[];
    const target = (await k3s.apps.listNamespacedDeployment({ namespace: k3sNs })).items as V1Deployment[];
    expect(target.map((d) => d.metadata?.name).sort()).toEqual(source.map((d) => d.metadata?.name).sort());
    for (const d of target) {
      const original = source.find((s) => s.metadata?.name === d.metadata?.name);
      expect(d.spec?.template.spec?.containers[0]?.image).toBe(
        original?.spec?.template.spec?.containers[0]?.image,
      );
      expect(d.status?.availableReplicas, d.metadata?.name).toBe(d.spec?.replicas);
    }
    // Copied, never printed: the Secrets the definitions reference but do not render.
    const copied = await k3s.core.readNamespacedSecret({ name: "files-db", namespace: k3sNs });
    expect(copied.metadata?.annotations?.["slipway.dev/copied-from"]).toBe(`rancher/${rancherNs}`);
    const copiedValue = Buffer.from(copied.data?.url ?? "x", "base64").toString();
    expect(log).not.toContain(copiedValue);
    // Nor in what the target keeps: its release records and Events.
    const targetStore = new ReleaseStore(Cluster.open("k3s", platform.kubeconfig), k3sNs);
    const targetReleases = await targetStore.summaries();
    expect(targetReleases.length).toBeGreaterThan(0);
    for (const s of targetReleases)
      expect(JSON.stringify(await targetStore.get(s.service, s.revision))).not.toContain(copiedValue);
    const events = await k3s.core.listNamespacedEvent({ namespace: k3sNs });
    expect(JSON.stringify(events.items)).not.toContain(copiedValue);

    // Cut over: the source scaled to zero and annotated, nothing deleted.
    for (const d of source) {
      const now = await rancher.apps.readNamespacedDeployment({
        namespace: rancherNs,
        name: d.metadata?.name ?? "",
      });
      expect(now.spec?.replicas).toBe(0);
      expect(now.metadata?.annotations?.["slipway.dev/cutover"]).toMatch(/^moved to prod-k3s \(k3s\//);
    }
    const services = await rancher.core.listNamespacedService({ namespace: rancherNs });
    expect(services.items.length).toBeGreaterThan(0);

    // One release per service in the target: the killed run was resumed, not repeated.
    const store = new ReleaseStore(Cluster.open("k3s", platform.kubeconfig), k3sNs);
    const files = await store.summaries("files");
    expect(files.filter((s) => s.status === "deployed")).toHaveLength(1);
  });

  it("the target is clean of drift after the move", async () => {
    const r = await slipway(project.config, "drift", "--env", "prod-k3s");
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("refuses to deploy to or roll back the cut-over source, saying where it moved and how to undo it", async () => {
    const plan = await slipway(project.config, "plan", "--env", "prod");
    expect(plan.code, plan.stdout + plan.stderr).toBe(1);
    expect(plan.stdout).toContain("✗ cutover: prod was cut over to prod-k3s");
    expect(plan.stdout).toContain("slipway cluster move --from prod --to prod-k3s --revert-cutover");
    const deploy = await slipway(project.config, "deploy", "--env", "prod", "--yes");
    expect(deploy.code).toBe(ExitCode.refused);
    const rollback = await slipway(project.config, "rollback", "files", "--env", "prod");
    expect(rollback.code).toBe(ExitCode.refused);
    expect(rollback.stderr).toMatch(/refused: Deployment\/files .*moved to prod-k3s/);
    const files = await rancher.apps.readNamespacedDeployment({ namespace: rancherNs, name: "files" });
    expect(files.spec?.replicas).toBe(0);
  });

  it("--revert-cutover runs the source again as deployed, and leaves the target running", async () => {
    const targetBefore = (await k3s.apps.listNamespacedDeployment({ namespace: k3sNs })).items.map((d) => [
      d.metadata?.name,
      d.spec?.replicas,
      d.metadata?.generation,
    ]);
    const r = await slipway(project.config, ...move, "--revert-cutover", "--yes", "--timeout", "90s");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/files: available again/);

    for (const d of (await rancher.apps.listNamespacedDeployment({ namespace: rancherNs })).items) {
      expect(d.spec?.replicas, d.metadata?.name).toBeGreaterThan(0);
      expect(d.status?.availableReplicas, d.metadata?.name).toBe(d.spec?.replicas);
      expect(d.metadata?.annotations?.["slipway.dev/cutover"]).toBeUndefined();
    }
    const cronJobs = (await rancher.batch.listNamespacedCronJob({ namespace: rancherNs })).items;
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const c of cronJobs) expect(c.spec?.suspend ?? false, c.metadata?.name).toBe(false);
    // The source is exactly what its releases applied, and deploys to it work again.
    const drift = await slipway(project.config, "drift", "--env", "prod");
    expect(drift.code, drift.stdout).toBe(0);
    expect((await slipway(project.config, "plan", "--env", "prod")).code).toBe(0);
    // The target was not touched.
    const targetAfter = (await k3s.apps.listNamespacedDeployment({ namespace: k3sNs })).items.map((d) => [
      d.metadata?.name,
      d.spec?.replicas,
      d.metadata?.generation,
    ]);
    expect(targetAfter).toEqual(targetBefore);
    // The same platform on both clusters: the same replicas per Deployment.
    const source = (await rancher.apps.listNamespacedDeployment({ namespace: rancherNs })).items;
    expect(Object.fromEntries(source.map((d) => [d.metadata?.name, d.spec?.replicas]))).toEqual(
      Object.fromEntries(targetAfter.map(([name, replicas]) => [name, replicas])),
    );

    const again = await slipway(project.config, ...move, "--revert-cutover", "--yes");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("was cut over to prod-k3s: no workload carries the cutover mark");
  });
});
