import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { ReleaseRecord } from "../release/record.ts";

/** Marks a workload a cutover stopped: where it moved, when, by whom. */
export const cutoverAnnotation = "slipway.dev/cutover";
/** The environment it moved to, for the command that undoes it. */
export const cutoverToAnnotation = "slipway.dev/cutover-to";

export interface Cutover {
  /** The environment the platform moved to. */
  readonly to: string;
  /** Said on each stopped workload: "moved to prod-k3s (k3s/research) at ... by ...". */
  readonly note: string;
}

/** The workloads of the releases that a cutover stops: Deployments and CronJobs. */
function workloads(releases: readonly ReleaseRecord[]): KubernetesObject[] {
  return releases.flatMap((r) => r.objects.filter((o) => o.kind === "Deployment" || o.kind === "CronJob"));
}

/**
 * Stops the source's workloads once the target is healthy: each Deployment and CronJob of the
 * deployed releases is applied again, as Slipway applied it, but with 0 replicas or suspended,
 * and annotated with where it moved. Applied by Slipway's own field manager, so the change is
 * Slipway's (no other manager comes to own the replicas), and applying the releases unchanged, as
 * `cluster move --revert-cutover` does, undoes it exactly. Nothing is deleted.
 */
export async function cutOver(
  cluster: Cluster,
  releases: readonly ReleaseRecord[],
  cutover: Cutover,
): Promise<string[]> {
  const done: string[] = [];
  for (const object of workloads(releases)) {
    const spec = (object as { spec?: Record<string, unknown> }).spec ?? {};
    const stopped = {
      ...object,
      metadata: {
        ...object.metadata,
        annotations: {
          ...object.metadata?.annotations,
          [cutoverAnnotation]: cutover.note,
          [cutoverToAnnotation]: cutover.to,
        },
      },
      spec: object.kind === "Deployment" ? { ...spec, replicas: 0 } : { ...spec, suspend: true },
    };
    await cluster.apply(stopped, { force: true });
    done.push(
      `${object.kind}/${object.metadata?.name} ${object.kind === "Deployment" ? "scaled to 0" : "suspended"}`,
    );
  }
  return done;
}

/** The live workloads a cutover stopped, with its note: a deploy there would start them again. */
export function cutOverWorkloads(
  live: ReadonlyMap<string, KubernetesObject>,
  services: readonly string[],
): ({ readonly service: string; readonly object: string } & Cutover)[] {
  return [...live.values()].flatMap((o) => {
    const note = o.metadata?.annotations?.[cutoverAnnotation];
    const to = o.metadata?.annotations?.[cutoverToAnnotation] ?? "<the target>";
    const service = o.metadata?.labels?.["app.kubernetes.io/name"] ?? "";
    return note && services.includes(service)
      ? [{ service, object: `${o.kind}/${o.metadata?.name}`, note, to }]
      : [];
  });
}
