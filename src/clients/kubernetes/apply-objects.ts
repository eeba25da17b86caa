import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
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
