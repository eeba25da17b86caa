// A canary on the real node, under a bounded traffic loop: auth's new version beside the stable
// one, its share of the replicas rising step by step, judged by the audit index (each call's
// entry names the version that served it) and by the pods. The loop (test/support/traffic.ts)
// sends logins to auth's ClusterIP, routed on this machine by kube-proxy, a new connection each,
// bounded in count and time; each answer says which version gave it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { canaryPods, eventsOf, latestRecord, type JsonlEvent } from "../support/canary.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeAuditIndices,
  removeExample,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";
import { startTraffic, type Traffic, type TrafficResult } from "../support/traffic.ts";

const project = isolatedExample("canary", { node: "real" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);

async function deploy(): Promise<SlipwayResult & { text: string; events: JsonlEvent[] }> {
  await publishDefinedVersions(project.config);
  const r = await runSlipway([
    "deploy",
    "auth",
    "--env",
    "dev",
    "--yes",
    "--timeout",
    "150s",
    "-o",
    "jsonl",
    "-c",
    project.config,
    "--kubeconfig",
    platform.kubeconfig,
  ]);
  return {
    ...r,
    text: `${r.stdout}
${r.stderr}`,
    events: eventsOf(r.stdout),
  };
}

/** Logins to auth's ClusterIP: at most 4,000, 15 a second, for at most 4 minutes. */
async function logins(): Promise<Traffic> {
  const service = (await cluster.get("Service", "auth", project.namespace)) as
    { spec?: { clusterIP?: string; ports?: { port: number }[] } } | undefined;
  return startTraffic({
    url: `http://${service?.spec?.clusterIP}:${service?.spec?.ports?.[0]?.port ?? 80}`,
    path: "/auth/login",
    body: { username: "canary-test", provider: "password" },
    headers: { "x-user": "canary-test" },
    ratePerSecond: 15,
    maxRequests: 4000,
    maxSeconds: 240,
  });
}

const shown = (traffic: TrafficResult): string =>
  `${traffic.requests} logins in ${traffic.seconds.toFixed(0)} s, by version and status ${JSON.stringify(traffic.byVersion)}`;

/** Version `version` of auth, with a canary of these steps and, optionally, a fault. */
function authVersion(version: string, steps: string, fault?: string): void {
  const definition = (): string => readFileSync(join(project.root, "services/auth/service.ts"), "utf8");
  project.edit("services/auth/service.ts", /version: "[^"]+"/, `version: "${version}"`);
  const rollout = `  rollout: { canary: { steps: ${steps}, analysis: { minRequests: 20 } } },`;
  if (!definition().includes(rollout))
    project.edit(
      "services/auth/service.ts",
      /\n( {2}rollout: [^\n]*\n)? {2}calls: \{/,
      `\n${rollout}\n  calls: {`,
    );
  const faulty = definition().includes("SLIPWAY_EXAMPLE_FAULT");
  if (fault && !faulty)
    project.edit(
      "services/auth/service.ts",
      "      LOG_LEVEL:",
      `      SLIPWAY_EXAMPLE_FAULT: "${fault}",\n      LOG_LEVEL:`,
    );
  if (!fault && faulty) project.edit("services/auth/service.ts", /\n {6}SLIPWAY_EXAMPLE_FAULT: [^\n]*/, "");
}

const stableDeployment = async () =>
  (await cluster.get("Deployment", "auth", project.namespace)) as {
    spec?: { replicas?: number };
    metadata?: { annotations?: Record<string, string> };
  };

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  // Four replicas: a 25% canary is one pod beside three stable ones.
  project.edit("services/auth/service.ts", /replicas: \(env\) => [^\n]*,/, "replicas: 4,");
  const r = await deploy();
  expect(r.code, r.text).toBe(0);
}, 600_000);

afterAll(async () => {
  await removeExample(project.namespace);
  await removeAuditIndices(`${project.namespace}-`);
}, 120_000);

describe("a canary judged by the audit index and the pods, under traffic", () => {
  it("a good canary is promoted through every step, and no call fails", async () => {
    authVersion(
      "1.0.1",
      '[{ weight: 25 }, { analysis: "30s" }, { weight: 50 }, { analysis: "30s" }, { weight: 100 }]',
    );
    const loop = await logins();
    const r = await deploy();
    const traffic = await loop.stop();
    console.log(`good canary: ${shown(traffic)}`);
    expect(r.code, r.text).toBe(0);
    expect(r.events.filter((e) => e.type === "canary-weight").map((e) => e.weight)).toEqual([25, 50]);
    expect(r.events.filter((e) => e.type === "canary-analysis").map((e) => e.verdict)).toEqual([
      "pass",
      "pass",
    ]);
    expect(r.events.some((e) => e.type === "canary-promoted")).toBe(true);
    expect(traffic.failed).toBe(0);
    expect(Object.keys(traffic.byVersion).sort()).toEqual(["1.0.0", "1.0.1"]);
    // The stable Deployment runs the new version on every replica; the canary is gone.
    expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
    const stable = await stableDeployment();
    expect([stable.spec?.replicas, stable.metadata?.annotations?.["slipway.dev/version"]]).toEqual([
      4,
      "1.0.1",
    ]);
    const record = await latestRecord(store, "auth");
    expect(record).toMatchObject({ status: "deployed", canary: { state: "promoted" } });
    expect(record?.canary?.analyses.map((a) => a.result.verdict)).toEqual(["pass", "pass"]);
    const first = record?.canary?.analyses[0]?.result.calls[0];
    console.log(
      `first analysis (25%): stable ${first?.stable.requests} logins, canary ${first?.canary.requests} (${first?.canary.version})`,
    );
    expect(first?.canary.requests).toBeGreaterThanOrEqual(20);
  }, 600_000);

  it("a canary failing a quarter of its calls is aborted at its first analysis; no stable call fails; a fixed version then goes out", async () => {
    authVersion("1.0.2", '[{ weight: 25 }, { analysis: "30s" }, { weight: 100 }]', "fail-quarter");
    const loop = await logins();
    const r = await deploy();
    const traffic = await loop.stop();
    console.log(`failing canary: ${shown(traffic)}`);
    expect(r.code, r.text).toBe(6);
    // One analysis, failed; the abort came at that step, before any later weight.
    expect(r.events.filter((e) => e.type === "canary-analysis").map((e) => e.verdict)).toEqual(["fail"]);
    expect(r.events.filter((e) => e.type === "canary-weight").map((e) => e.weight)).toEqual([25]);
    expect(r.events.find((e) => e.type === "canary-aborted")).toMatchObject({ step: 1 });
    // Only the canary failed calls: every answer of the stable version was a 200.
    expect(Object.keys(traffic.byVersion["1.0.1"] ?? {})).toEqual(["200"]);
    expect(traffic.byVersion["1.0.2"]?.["500"]).toBeGreaterThan(0);
    expect(await canaryPods(cluster, project.namespace, "auth")).toBe(0);
    const stable = await stableDeployment();
    expect([stable.spec?.replicas, stable.metadata?.annotations?.["slipway.dev/version"]]).toEqual([
      4,
      "1.0.1",
    ]);
    // The record keeps the evidence: the canary's 5xx against the stable version's none.
    const record = await latestRecord(store, "auth");
    expect(record).toMatchObject({ status: "failed", version: "1.0.2", canary: { state: "aborted" } });
    const call = record?.canary?.analyses[0]?.result.calls[0];
    console.log(
      `failing analysis: canary ${call?.canary.serverErrors}/${call?.canary.requests} 5xx, stable ${call?.stable.serverErrors}/${call?.stable.requests}`,
    );
    expect(call?.canary.serverErrors).toBeGreaterThan(0);
    expect(call?.stable.serverErrors).toBe(0);
    expect(call?.checks.find((c) => c.metric === "5xx rate")?.verdict).toBe("fail");

    // The retry after the abort: a fixed version starts cleanly and is promoted.
    authVersion("1.0.3", '[{ weight: 25 }, { analysis: "30s" }, { weight: 100 }]');
    const again = await logins();
    const retry = await deploy();
    const retried = await again.stop();
    console.log(`retry: ${shown(retried)}`);
    expect(retry.code, retry.text).toBe(0);
    expect(retried.failed).toBe(0);
    expect(await latestRecord(store, "auth")).toMatchObject({
      status: "deployed",
      version: "1.0.3",
      canary: { state: "promoted" },
    });
  }, 900_000);
});
