import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { objectKey, readLiveState } from "../plan/live-state.ts";
import type { ReleaseRecord, ReleaseSummary } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";

export interface DriftState {
  readonly live: ReadonlyMap<string, KubernetesObject>;
  readonly releases: readonly ReleaseSummary[];
  readonly deployed: ReadonlyMap<string, ReleaseRecord>;
}

/**
 * What drift compares: the live objects (one LIST per kind), the release summaries (one
 * metadata-only LIST), and the latest deployed record of each service in scope.
 */
export async function readDriftState(
  cluster: Cluster,
  project: ProjectModel,
  env: EnvironmentModel,
  only: readonly string[],
  signal?: AbortSignal,
): Promise<DriftState> {
  const namespace = env.cluster.namespace;
  const store = new ReleaseStore(cluster, namespace);
  const [labelled, releases] = await Promise.all([
    readLiveState(cluster, namespace, project.name, env.name, signal),
    store.summaries(),
  ]);
  const services = (project.services.get(env.name) ?? [])
    .map((s) => s.spec.name)
    .filter((name) => only.length === 0 || only.includes(name));
  // Summaries come newest first per service: the first deployed one is the latest.
  const latest = services
    .map((name) => releases.find((r) => r.service === name && r.status === "deployed"))
    .filter((r): r is ReleaseSummary => r !== undefined);
  const records = await Promise.all(latest.map((r) => store.get(r.service, r.revision)));

  // An object whose Slipway labels were edited away drops out of the labelled LISTs: read it
  // by name, so it shows as changed (its labels), not as missing.
  const live = new Map(labelled);
  const absent = records.flatMap((r) => r.objects).filter((o) => !live.has(objectKey(o)));
  const found = await Promise.all(
    absent.map((o) => cluster.get(o.kind ?? "", o.metadata?.name ?? "", namespace)),
  );
  absent.forEach((o, i) => {
    const object = found[i];
    if (object) live.set(objectKey(o), { ...object, kind: o.kind ?? "" });
  });
  return { live, releases, deployed: new Map(records.map((r) => [r.service, r])) };
}
