// What the demo looks at in the running software itself: the tables a migration Job created,
// real calls to a service (through its Service's ClusterIP, which kube-proxy routes on this
// machine), and the audit entries those calls wrote.
import pg from "pg";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadPlatform } from "../../platform/src/connection.ts";
import { postgresClientConfig } from "../../platform/src/parts/postgres.ts";
import { indexPrefix, namespace } from "./project.ts";

const platform = loadPlatform();

/** The tables of one of the demo's databases (`research_demo_<name>`), public schema. */
export async function tablesOf(database: string): Promise<string[]> {
  const client = new pg.Client(postgresClientConfig(platform, `${namespace}_${database}`.replace(/-/g, "_")));
  await client.connect();
  try {
    const rows = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    return rows.rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

/** Sends `count` requests (bounded, one at a time) to a service's Service; returns their statuses. */
export async function call(service: string, path: string, body: unknown, count: number): Promise<number[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  kc.setCurrentContext("local");
  const svc = await kc.makeApiClient(CoreV1Api).readNamespacedService({ name: service, namespace });
  const port = svc.spec?.ports?.[0]?.port ?? 80;
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`http://${svc.spec?.clusterIP}:${port}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-user": "demo" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    statuses.push(response.status);
  }
  return statuses;
}

/**
 * The same calls, repeated until every one answers `status`, for at most `withinMs`: just after
 * a rollout the old pods drain for a few seconds (preStop) and the Service may still send one of
 * them a request, which the old version answers as it always did. Returns the last statuses and
 * how long the new version took to answer alone.
 */
export async function callUntil(
  service: string,
  path: string,
  body: unknown,
  count: number,
  status = 200,
  withinMs = 30_000,
): Promise<{ statuses: number[]; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const statuses = await call(service, path, body, count);
    const waitedMs = Date.now() - started;
    if (statuses.every((s) => s === status) || waitedMs > withinMs) return { statuses, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Audit entries of a call, by write index. The pods write them just after answering: this waits
 * (bounded) until at least `atLeast` are searchable.
 */
export async function auditEntries(call: string, atLeast = 0): Promise<Map<string, number>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const entries = await countEntries(call);
    const total = [...entries.values()].reduce((a, b) => a + b, 0);
    if (total >= atLeast || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function countEntries(call: string): Promise<Map<string, number>> {
  const pattern = `${indexPrefix}http_logs_${call}-*`;
  await fetch(`${platform.elasticsearch}/${pattern}/_refresh`, { method: "POST" });
  const response = await fetch(`${platform.elasticsearch}/${pattern}/_search?size=0`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ aggs: { byIndex: { terms: { field: "_index", size: 20 } } } }),
  });
  const result = (await response.json()) as {
    aggregations?: { byIndex: { buckets: { key: string; doc_count: number }[] } };
  };
  return new Map((result.aggregations?.byIndex.buckets ?? []).map((b) => [b.key, b.doc_count]));
}

/** "index-000001: 3, index-000002: 2" */
export const describeEntries = (entries: ReadonlyMap<string, number>): string =>
  [...entries].map(([index, n]) => `${index}: ${n}`).join(", ") || "none";
