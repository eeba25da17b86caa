import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
// Not from cluster.ts: this module is loaded by every command (for its error), the client is not.
import { fieldManager } from "./field-manager.ts";
import { KubernetesApiError } from "./request.ts";

/** What to do about a refused apply, by the server's status: said by the plan and by the apply. */
export function applyRefusalHint(status: number): string {
  return status === 409
    ? "another field manager owns these fields; re-run with --force-conflicts to take them over"
    : status === 403
      ? "the deploy identity may not do this; `slipway rbac` prints the Role it needs"
      : "";
}

/** An apply the server refused, said with the object and, for conflicts, how to proceed. */
export class ApplyFailed extends Error {
  constructor(
    readonly object: string,
    readonly apiError: KubernetesApiError,
    /** Objects the server had accepted before this one: 0 means the apply changed nothing. */
    readonly appliedBefore = 0,
  ) {
    const hint = applyRefusalHint(apiError.status);
    super(`${object}: ${apiError.message}${hint ? ` (${hint})` : ""}`);
    this.name = "ApplyFailed";
  }
}

export async function applyAll(
  cluster: Cluster,
  objects: readonly KubernetesObject[],
  options: { force: boolean; dryRun?: boolean; signal?: AbortSignal },
): Promise<void> {
  for (const [index, object] of objects.entries()) {
    try {
      if (!options.dryRun) await handReplicasOver(cluster, object, options.signal);
      await cluster.apply(object, {
        force: options.force,
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof KubernetesApiError)
        throw new ApplyFailed(`${object.kind}/${object.metadata?.name}`, error, options.dryRun ? 0 : index);
      throw error;
    }
  }
}

/** The field manager that keeps a Deployment's replica count while an autoscaler owns it. */
export const replicasHandoverManager = "slipway-replicas-handover";

/**
 * A Deployment applied without replicas (an autoscaler owns them) whose replicas Slipway set
 * before: applied as is, server-side apply would remove the field, and the count would fall
 * back to 1 until the autoscaler catches up. So first another manager takes the live count
 * over (as Kubernetes' docs advise when handing replicas to an HPA), then Slipway lets go.
 * Read here, not taken from the plan: the plan read the Deployment before the deploy took the
 * lock (and waited for it, ran migrations), and meanwhile an autoscaler may have changed the
 * count; handing over the plan's count would set it back (test/integration/autoscale.test.ts).
 */
async function handReplicasOver(
  cluster: Cluster,
  object: KubernetesObject,
  signal?: AbortSignal,
): Promise<void> {
  const spec = (object as { spec?: { replicas?: number } }).spec;
  if (object.kind !== "Deployment" || spec === undefined || spec.replicas !== undefined) return;
  const name = object.metadata?.name ?? "";
  const live = (await cluster.get("Deployment", name, object.metadata?.namespace ?? "")) as
    (KubernetesObject & { spec?: { replicas?: number } }) | undefined;
  const ownsReplicas = live?.metadata?.managedFields?.some(
    (f) =>
      f.manager === fieldManager &&
      f.operation === "Apply" &&
      JSON.stringify(f.fieldsV1 ?? {}).includes('"f:replicas"'),
  );
  if (!live || !ownsReplicas || live.spec?.replicas === undefined) return;
  await cluster.apply(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: object.metadata?.namespace ?? "" },
      spec: { replicas: live.spec.replicas },
    } as KubernetesObject,
    { fieldManager: replicasHandoverManager, force: true, ...(signal ? { signal } : {}) },
  );
}
