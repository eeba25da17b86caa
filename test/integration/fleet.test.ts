// A fleet environment over the local platform's three control planes (contexts local, rancher,
// edge; simulated nodes), deployed in waves through the installed binary: waves in order with
// the bake observed, a failure within the budget going on, one beyond it stopping the line and
// `--roll-back-finished-waves` taking the finished clusters back, and a deploy SIGKILLed during
// a bake resuming at that bake. A cluster fails for real: a ResourceQuota of zero pods in its
// namespace, so its Deployment never gets a pod and its rollout times out and rolls back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { FleetEvent, FleetReport } from "../../src/fleet/events.ts";
import { readFleetJournal } from "../../src/fleet/journal.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { buildExampleImages } from "../../scripts/build-images.ts";
import { kubeAt, platform, uniqueName } from "../support/platform.ts";
import { scratchProject, service } from "../support/project.ts";
import { runSlipway } from "../support/slipway-bin.ts";
import { startSlipway } from "../support/slipway-process.ts";

const namespace = uniqueName("fleet");
const contexts = { "eu-1": "local", "eu-2": "rancher", "us-1": "edge" } as const;
type ClusterName = keyof typeof contexts;
const clusters = Object.fromEntries(
  Object.entries(contexts).map(([name, context]) => [name, Cluster.open(context, platform.kubeconfig)]),
) as Record<ClusterName, Cluster>;
const stores = Object.fromEntries(
  Object.entries(clusters).map(([name, cluster]) => [name, new ReleaseStore(cluster, namespace)]),
) as Record<ClusterName, ReleaseStore>;

const clusterEntry = (name: ClusterName): string =>
  `"${name}": { cluster: { context: "${contexts[name]}", namespace: "${namespace}", flavour: "k3s" } }`;
const fleetEnv = (name: string, waves: string): string => `defineEnvironment({
      name: "${name}",
      clusters: { ${(Object.keys(contexts) as ClusterName[]).map(clusterEntry).join(", ")} },
      waves: ${waves},
      registry: { host: "${platform.registry}", repositoryPrefix: "${namespace}", insecure: true },
    })`;
// prod: eu-1 first and baked, then eu-2 and us-1 together, one of them allowed to fail.
// stage: one cluster per wave, none allowed to fail (the same clusters: tests take turns).
const project = scratchProject({
  "slipway.config.ts": `import { defineEnvironment, defineProject } from "slipway";
export default defineProject({
  name: "fleet",
  environments: [
    ${fleetEnv("prod", `[{ clusters: ["eu-1"], bake: "12s" }, { clusters: ["eu-2", "us-1"], maxParallel: 2, failureBudget: 1 }]`)},
  ],
});
`,
  "services/web/service.ts": service(`{ name: "web", version: "1.0.0", image: "web",
  deployment: { port: 8080, readiness: { http: { path: "/ready" } } }, service: { port: 80 } }`),
});
const serviceFile = `${project.root}/services/web/service.ts`;
const configFile = project.config;

async function release(version: string): Promise<void> {
  writeFileSync(
    serviceFile,
    readFileSync(serviceFile, "utf8").replace(/version: "[^"]+"/, `version: "${version}"`),
  );
  await buildExampleImages(configFile, "prod");
}

const fleetArgs = (...more: string[]): string[] => [
  "deploy",
  "-e",
  "prod",
  "--yes",
  "--timeout",
  "60s",
  "-o",
  "jsonl",
  ...more,
  "-c",
  configFile,
  "--kubeconfig",
  platform.kubeconfig,
];

type Line = (FleetEvent & { kind: "FleetEvent"; at: string }) | (FleetReport & { kind: "FleetReport" });
const linesOf = (stdout: string): Line[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.kind === "FleetEvent" || l.kind === "FleetReport");
const eventsOf = (stdout: string) =>
  linesOf(stdout).filter((l) => l.kind === "FleetEvent") as (FleetEvent & { at: string })[];
const reportOf = (stdout: string): FleetReport => {
  const report = linesOf(stdout).find((l) => l.kind === "FleetReport");
  if (!report) throw new Error(`no FleetReport in:\n${stdout}`);
  return report as FleetReport;
};

const runningVersion = async (name: ClusterName): Promise<string | undefined> =>
  (
    (await clusters[name].get("Deployment", "web", namespace)) as
      { metadata?: { labels?: Record<string, string> } } | undefined
  )?.metadata?.labels?.["app.kubernetes.io/version"];

const breakCluster = (name: ClusterName) =>
  kubeAt(contexts[name])
    .core()
    .createNamespacedResourceQuota({
      namespace,
      body: { metadata: { name: "no-pods" }, spec: { hard: { pods: "0" } } },
    });
const mendCluster = (name: ClusterName) =>
  kubeAt(contexts[name]).core().deleteNamespacedResourceQuota({ name: "no-pods", namespace });

beforeAll(async () => {
  await buildExampleImages(configFile, "prod");
}, 300_000);

afterAll(async () => {
  for (const cluster of Object.values(clusters))
    await cluster.delete("Namespace", namespace, "").catch(() => undefined);
}, 60_000);

describe("a fleet over three clusters, deployed in waves", () => {
  it("deploys wave by wave: eu-1, its 12 s bake watched, then eu-2 and us-1 together", async () => {
    const r = await runSlipway(fleetArgs());
    expect(
      r.code,
      r.stderr +
        r.stdout
          .split("\n")
          .filter((l) => l.includes("error") || l.includes("Report"))
          .join("\n"),
    ).toBe(0);
    const events = eventsOf(r.stdout);
    const at = (match: (e: FleetEvent) => boolean): number => {
      const e = events.find(match);
      if (!e) throw new Error(`no such event in ${JSON.stringify(events.map((x) => x.type))}`);
      return Date.parse(e.at);
    };
    const eu1Done = at((e) => e.type === "fleet-cluster-finished" && e.result.cluster === "eu-1");
    const bakeOver = at((e) => e.type === "fleet-bake-finished" && e.wave === 1);
    const eu2Start = at((e) => e.type === "fleet-cluster-started" && e.cluster === "eu-2");
    const us1Start = at((e) => e.type === "fleet-cluster-started" && e.cluster === "us-1");
    console.log(
      `waves: eu-1 done → bake over ${bakeOver - eu1Done} ms → eu-2 started ${eu2Start - bakeOver} ms later`,
    );
    expect(bakeOver - eu1Done).toBeGreaterThanOrEqual(11_000);
    expect(eu2Start).toBeGreaterThanOrEqual(bakeOver);
    expect(us1Start).toBeGreaterThanOrEqual(bakeOver);
    // Each cluster has its own record of the release, in its own store.
    for (const name of Object.keys(contexts) as ClusterName[]) {
      expect(await runningVersion(name), name).toBe("1.0.0");
      expect((await stores[name].summaries("web"))[0]).toMatchObject({ revision: 1, status: "deployed" });
    }
    const report = reportOf(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.waves.map((w) => w.clusters.map((c) => `${c.cluster}:${c.outcome}`))).toEqual([
      ["eu-1:deployed"],
      ["eu-2:deployed", "us-1:deployed"],
    ]);
    // The journal, in the first cluster, says the fleet deploy is done.
    expect((await readFleetJournal(clusters["eu-1"], namespace))?.status).toBe("done");
  }, 240_000);

  it("goes on when a cluster fails within its wave's budget, and says so with exit 7", async () => {
    await release("1.0.1");
    await breakCluster("us-1");
    try {
      const r = await runSlipway(fleetArgs());
      expect(r.code, r.stderr).toBe(7);
      const report = reportOf(r.stdout);
      const outcomes = Object.fromEntries(
        report.waves.flatMap((w) => w.clusters.map((c) => [c.cluster, c.outcome])),
      );
      expect(outcomes).toEqual({ "eu-1": "deployed", "eu-2": "deployed", "us-1": "rolled-back" });
      expect(report.stoppedAt).toBeUndefined();
      expect(await runningVersion("eu-2")).toBe("1.0.1");
      expect(await runningVersion("us-1")).toBe("1.0.0");
      // us-1's own deploy events are there, marked with its name.
      expect(r.stdout).toMatch(/"kind":"DeployEvent".*"type":"rollback".*"cluster":"us-1"/);
    } finally {
      await mendCluster("us-1");
    }
  }, 240_000);

  it("stops the line when a wave fails beyond its budget, and --roll-back-finished-waves takes the finished clusters back", async () => {
    await release("1.0.2");
    // Wave 2 may lose one cluster of two: both failing is beyond it.
    await breakCluster("eu-2");
    await breakCluster("us-1");
    try {
      // As a person reads it: text, each cluster's lines marked with its name.
      const text = fleetArgs("--roll-back-finished-waves").filter((a) => a !== "-o" && a !== "jsonl");
      const r = await runSlipway(text);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        /wave 2: 2 cluster\(s\) failed, beyond its failure budget of 1: the line stops/,
      );
      expect(r.stderr).toMatch(/^eu-1: web: rolled back: /m);
      expect(r.stderr).toMatch(/^\[eu-2\] web: /m);
      expect(r.stderr).toContain("fleet deploy STOPPED at wave 2");
      expect(r.stdout).toMatch(/^2\s+eu-2\s+rolled-back\s/m);
      expect(await runningVersion("eu-1")).toBe("1.0.1");
      expect((await readFleetJournal(clusters["eu-1"], namespace))?.status).toBe("stopped");
    } finally {
      await mendCluster("eu-2");
      await mendCluster("us-1");
    }
  }, 300_000);

  it("SIGKILLed during a bake, run again: goes on at that bake, without deploying eu-1 again", async () => {
    await release("1.0.3");
    const running = startSlipway(configFile, ...fleetArgs().slice(0, -4));
    await running.until((stdout) => stdout.includes('"type":"fleet-bake-started"'), "stdout");
    running.child.kill("SIGKILL");
    await running.exited;
    expect(await runningVersion("eu-1")).toBe("1.0.3");
    expect(await runningVersion("eu-2")).toBe("1.0.1");
    const journal = await readFleetJournal(clusters["eu-1"], namespace);
    expect(journal?.status).toBe("running");
    expect(journal?.waves[0]?.state).toBe("baking");

    const again = await runSlipway(fleetArgs());
    expect(again.code, again.stderr).toBe(0);
    const events = eventsOf(again.stdout);
    expect(events[0]).toMatchObject({ type: "fleet-resumed", done: ["eu-1"] });
    expect(events.some((e) => e.type === "fleet-cluster-started" && e.cluster === "eu-1")).toBe(false);
    const bake = events.find((e) => e.type === "fleet-bake-started");
    expect(bake?.type === "fleet-bake-started" && bake.remainingMs).toBeLessThan(12_000);
    for (const name of ["eu-2", "us-1"] as const) expect(await runningVersion(name), name).toBe("1.0.3");
    // eu-1 was deployed once more: 1.0.0, 1.0.1, 1.0.2, its rollback to 1.0.1, then 1.0.3 once.
    expect((await stores["eu-1"].summaries("web")).map((s) => s.version)).toEqual([
      "1.0.3",
      "1.0.1",
      "1.0.2",
      "1.0.1",
      "1.0.0",
    ]);
  }, 300_000);

  it("reads across the clusters: one deployed alone, one edited by hand, in status, plan and drift", async () => {
    await release("1.0.4");
    const alone = await runSlipway([
      "deploy",
      "-e",
      "prod",
      "--cluster",
      "eu-2",
      "--yes",
      "-c",
      configFile,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(await runningVersion("eu-2")).toBe("1.0.4");
    expect(await runningVersion("eu-1")).toBe("1.0.3");
    // Scaled by hand on us-1, through the scale subresource as kubectl scale does.
    await clusters["us-1"].request({
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${namespace}/deployments/web/scale`,
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 3 } },
    });
    const read = (...args: string[]) =>
      runSlipway([...args, "-e", "prod", "-c", configFile, "--kubeconfig", platform.kubeconfig]);

    const status = await read("status");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^SERVICE\s+DEFINED\s+EU-1\s+EU-2\s+US-1\s+ALL UP TO DATE$/m);
    expect(status.stdout).toMatch(/^web\s+1\.0\.4\s+1\.0\.3 1\/1\s+1\.0\.4 1\/1\s+1\.0\.3 \d\/3\s+no$/m);

    // us-1's hand edit is another manager's field: its plan is blocked (deploy --force-conflicts
    // takes it back), the others' are not.
    const plan = await read("plan", "--detailed-exitcode");
    expect(plan.code, plan.stdout).toBe(1);
    expect(plan.stdout).toMatch(/^\[us-1\] BLOCKED/m);
    expect(plan.stdout).not.toMatch(/^\[eu-1\] BLOCKED/m);
    expect(plan.stdout).toContain("web differs across the fleet: 1.0.3 on eu-1, us-1; 1.0.4 on eu-2");
    expect(plan.stdout).toMatch(/^\[us-1\] .*replicas.*3/m);
    expect(plan.stdout).toMatch(/^\[eu-2\] web\s+1\.0\.4\s+no changes$/m);

    const drift = await read("drift");
    expect(drift.code, drift.stdout + drift.stderr).toBe(3);
    expect(drift.stdout).toMatch(/^\[us-1\] .*spec\.replicas/m);
    expect(drift.stdout).not.toMatch(/^\[eu-1\] .*spec\.replicas/m);

    const progress = await read("status", "--deploy");
    expect(progress.code, progress.stderr).toBe(0);
    expect(progress.stdout).toMatch(/^fleet deploy \w+ by .*: done/m);
    expect(progress.stdout).toMatch(/^ {2}wave 1: done; bake: healthy$/m);
    expect(progress.stdout).toMatch(/^ {4}us-1: deployed: /m);
  }, 240_000);

  it("names the clusters when a command needs one, and refuses one that is not there", async () => {
    const history = await runSlipway([
      "history",
      "web",
      "-e",
      "prod",
      "-c",
      configFile,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain(
      'environment "prod" is a fleet of 3 clusters (eu-1, eu-2, us-1): this command acts on one',
    );
    expect(history.stderr).toContain("--cluster eu-1");
    expect(history.stderr).not.toMatch(/\n\s+at /);
    const onOne = await runSlipway([
      "history",
      "web",
      "-e",
      "prod",
      "--cluster",
      "eu-2",
      "-c",
      configFile,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(onOne.code, onOne.stderr).toBe(0);
    expect(onOne.stdout).toContain("1.0.4");
    const unknown = await runSlipway([
      "status",
      "-e",
      "prod",
      "--cluster",
      "eu-9",
      "-c",
      configFile,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no cluster "eu-9" in environment "prod"');
  }, 60_000);
});
