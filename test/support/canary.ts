// What the canary tests read back: `deploy -o jsonl` as typed events, and a service's canary as
// the cluster and its release records hold it.
import type { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { DeployEvent } from "../../src/procedure/events.ts";
import type { ReleaseRecord } from "../../src/release/record.ts";
import type { ReleaseStore } from "../../src/release/store.ts";

/** A line of `deploy -o jsonl`: an event, or the plan and the report (their `kind`). */
export type JsonlEvent = DeployEvent & { kind?: string };

export const eventsOf = (stdout: string): JsonlEvent[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as JsonlEvent);

/** The service's canary pods, terminating ones included. */
export const canaryPods = async (cluster: Cluster, namespace: string, service: string): Promise<number> =>
  (await cluster.list("Pod", namespace, `app.kubernetes.io/name=${service},slipway.dev/track=canary`)).items
    .length;

/** The service's newest release record. */
export async function latestRecord(store: ReleaseStore, service: string): Promise<ReleaseRecord | undefined> {
  const latest = (await store.summaries(service))[0];
  return latest ? store.get(service, latest.revision) : undefined;
}
