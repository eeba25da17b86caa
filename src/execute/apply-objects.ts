import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { applyRefusalHint } from "../plan/server-dry-run.ts";

/** An apply the server refused, said with the object and, for conflicts, how to proceed. */
export class ApplyFailed extends Error {
  constructor(
    readonly object: string,
    readonly apiError: KubernetesApiError,
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
  for (const object of objects) {
    try {
      await cluster.apply(object, {
        force: options.force,
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof KubernetesApiError)
        throw new ApplyFailed(`${object.kind}/${object.metadata?.name}`, error);
      throw error;
    }
  }
}
