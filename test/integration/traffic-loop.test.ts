// The bounded traffic loop (test/support/traffic.ts) against a real example service on the real
// node: auth, 2 replicas, with fault fail-quarter, reached through its ClusterIP (kube-proxy on
// this machine). A connection per request spreads the calls over both pods; each pod fails every
// 4th of its own calls, and the audit index holds one entry per call with the status its caller got.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { startTraffic } from "../support/traffic.ts";

const project = isolatedExample("traffic", { node: "real" });
const cluster = Cluster.open("local", platform.kubeconfig);
// Images of its own: this copy's auth runs the runtime of this checkout, whatever others push.
project.edit("slipway.config.ts", 'repositoryPrefix: "research"', `repositoryPrefix: "${project.namespace}"`);
project.edit("services/auth/service.ts", /replicas: \(env\) => [^\n]*,/, "replicas: 2,");
project.edit(
  "services/auth/service.ts",
  "LOG_LEVEL:",
  'SLIPWAY_EXAMPLE_FAULT: "fail-quarter",\n      LOG_LEVEL:',
);

let authUrl: string;

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  const r = await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes", "--timeout", "150s");
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  const service = await cluster.get("Service", "auth", project.namespace);
  const spec = (service as { spec?: { clusterIP?: string; ports?: { port: number }[] } } | undefined)?.spec;
  authUrl = `http://${spec?.clusterIP}:${spec?.ports?.[0]?.port ?? 80}`;
}, 600_000);

afterAll(() => removeExample(project.namespace), 120_000);

/** How many logins each of auth's pods answered, from its own log lines. */
async function loginsPerPod(): Promise<number[]> {
  const pods = await cluster.list("Pod", project.namespace, "app.kubernetes.io/name=auth");
  return Promise.all(
    pods.items.map(async (pod) => {
      const log = await kube.core().readNamespacedPodLog({
        name: pod.metadata?.name ?? "",
        namespace: project.namespace,
      });
      return (log.match(/^POST \/auth\/login \d{3} /gm) ?? []).length;
    }),
  );
}

/** The audit entries of auth.login by status, once `total` are searchable. */
async function auditedStatuses(total: number): Promise<Record<string, number>> {
  const index = `${project.namespace}-http_logs_auth.login*`;
  for (let i = 0; i < 60; i++) {
    await fetch(`${platform.elasticsearch}/${index}/_refresh`, { method: "POST" });
    const response = await fetch(`${platform.elasticsearch}/${index}/_search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        size: 0,
        query: { term: { user: "traffic-loop" } },
        aggs: { status: { terms: { field: "status" } } },
      }),
    });
    const body = (await response.json()) as {
      hits: { total: { value: number } };
      aggregations: { status: { buckets: { key: number; doc_count: number }[] } };
    };
    if (body.hits.total.value >= total)
      return Object.fromEntries(body.aggregations.status.buckets.map((b) => [String(b.key), b.doc_count]));
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the audit index has fewer than ${total} entries of auth.login after 30 s`);
}

describe("a bounded traffic loop to a real service", () => {
  it("spreads calls over the pods, counts them by status and version, and stops by itself", async () => {
    const result = await startTraffic({
      url: authUrl,
      path: "/auth/login",
      body: { username: "ada", provider: "password" },
      headers: { "x-user": "traffic-loop" },
      ratePerSecond: 40,
      maxRequests: 200,
      maxSeconds: 30,
    }).done;
    expect(result.stoppedBy).toBe("maxRequests");
    expect(result.requests).toBe(200);
    // Every request answered, by auth 1.0.0: no reset, no timeout.
    expect(Object.keys(result.byVersion)).toEqual(["1.0.0"]);
    expect(result.byVersion["1.0.0"]).toEqual(result.byStatus);
    const ok = result.byStatus["200"] ?? 0;
    const failed = result.byStatus["500"] ?? 0;
    expect(ok + failed, JSON.stringify(result.byStatus)).toBe(200);
    // Both pods got a share (a connection each: kube-proxy picks at random per connection).
    const perPod = await loginsPerPod();
    expect(perPod).toHaveLength(2);
    expect(perPod.reduce((a, b) => a + b, 0)).toBe(200);
    for (const n of perPod) expect(n, `logins per pod: ${perPod.join(", ")}`).toBeGreaterThanOrEqual(40);
    // Each pod fails exactly every 4th of its calls.
    expect(failed).toBe(perPod.reduce((sum, n) => sum + Math.floor(n / 4), 0));
    // One audit entry per call, with the status its caller got.
    expect(await auditedStatuses(200)).toEqual(result.byStatus);
    console.log(
      `traffic loop: ${result.requests} requests in ${result.seconds.toFixed(1)} s, ${JSON.stringify(result.byStatus)}, per pod ${perPod.join("/")}`,
    );
  });
});
