// A canary on the real node, under a bounded traffic loop: auth's new version beside the stable
// one, its share of the replicas rising step by step, judged by the audit index (each call's
// entry names the version that served it) and by the pods. The loop sends at most a few hundred
// logins to auth's ClusterIP (routed on this machine by kube-proxy), a new connection each, for
// a bounded time, and stops by itself.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
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

const project = isolatedExample("canary", { node: "real" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);

async function deploy(...args: string[]): Promise<SlipwayResult & { text: string; events: Event[] }> {
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
    ...args,
    "-c",
    project.config,
    "--kubeconfig",
    platform.kubeconfig,
  ]);
  const events = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Event);
  return { ...r, text: `${r.stdout}\n${r.stderr}`, events };
}

interface Event {
  readonly type: string;
  readonly [key: string]: unknown;
}

interface Traffic {
  readonly requests: number;
  readonly byStatus: Record<string, number>;
}

/** POSTs a login with a connection of its own (kube-proxy balances connections, not calls). */
const login = (host: string, port: number): Promise<number> =>
  new Promise((resolve) => {
    const body = JSON.stringify({ username: "canary-test", provider: "password" });
    const req = request(
      {
        host,
        port,
        path: "/auth/login",
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "x-user": "canary-test", connection: "close" },
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end(body);
  });

/** At most `max` logins, 4 at a time with a pause, for at most `seconds`, or until stopped. */
function trafficLoop(host: string, port: number, max: number, seconds: number) {
  let stopped = false;
  const deadline = Date.now() + seconds * 1000;
  const traffic = { requests: 0, byStatus: {} as Record<string, number> };
  const sender = async (): Promise<void> => {
    while (!stopped && traffic.requests < max && Date.now() < deadline) {
      traffic.requests++;
      const status = String(await login(host, port));
      traffic.byStatus[status] = (traffic.byStatus[status] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const running = Promise.all([sender(), sender(), sender(), sender()]);
  return {
    stop: async (): Promise<Traffic> => {
      stopped = true;
      await running;
      return traffic;
    },
  };
}

async function authAddress(): Promise<{ host: string; port: number }> {
  const service = (await cluster.get("Service", "auth", project.namespace)) as
    { spec?: { clusterIP?: string; ports?: { port: number }[] } } | undefined;
  return { host: service?.spec?.clusterIP ?? "", port: service?.spec?.ports?.[0]?.port ?? 80 };
}

const canarySteps = (steps: string): void =>
  project.edit(
    "services/auth/service.ts",
    /\n {2}calls: \{/,
    `\n  rollout: { canary: { steps: ${steps}, analysis: { minRequests: 20 } } },\n  calls: {`,
  );

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

describe("a canary judged by the audit index and the pods", () => {
  it("a good canary is promoted through every step, and no call fails", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
    canarySteps(
      '[{ weight: 25 }, { analysis: "30s" }, { weight: 50 }, { analysis: "30s" }, { weight: 100 }]',
    );
    const { host, port } = await authAddress();
    const loop = trafficLoop(host, port, 3000, 240);
    const r = await deploy();
    const traffic = await loop.stop();
    console.log(
      `good canary: ${traffic.requests} logins during the deploy, by status ${JSON.stringify(traffic.byStatus)}`,
    );
    expect(r.code, r.text).toBe(0);
    const weights = r.events.filter((e) => e.type === "canary-weight").map((e) => e.weight);
    expect(weights).toEqual([25, 50]);
    const analyses = r.events.filter((e) => e.type === "canary-analysis");
    expect(analyses.map((e) => e.verdict)).toEqual(["pass", "pass"]);
    expect(r.events.some((e) => e.type === "canary-promoted")).toBe(true);
    expect(Object.keys(traffic.byStatus)).toEqual(["200"]);
    // The stable Deployment runs the new version on every replica; the canary is gone.
    expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
    const stable = (await cluster.get("Deployment", "auth", project.namespace)) as {
      spec?: { replicas?: number };
      metadata?: { annotations?: Record<string, string> };
    };
    expect(stable.spec?.replicas).toBe(4);
    expect(stable.metadata?.annotations?.["slipway.dev/version"]).toBe("1.0.1");
    const latest = (await store.summaries()).find((s) => s.service === "auth");
    expect(latest?.status).toBe("deployed");
    const record = await store.get("auth", latest?.revision ?? 0);
    expect(record?.canary?.state).toBe("promoted");
    expect(record?.canary?.analyses.map((a) => a.result.verdict)).toEqual(["pass", "pass"]);
    const calls = record?.canary?.analyses[0]?.result.calls[0];
    console.log(
      `first analysis: stable ${calls?.stable.requests} calls, canary ${calls?.canary.requests} calls (${calls?.canary.version})`,
    );
    expect(calls?.canary.requests).toBeGreaterThanOrEqual(20);
  }, 600_000);
});
