import type { V1Deployment } from "@kubernetes/client-node";
import { failed, inProgress, succeeded, type Verdict } from "./verdict.ts";

/** How long pods may fail to be created (a quota, an admission webhook) before it is no blip. */
export const replicaFailureGraceMs = 10_000;

/**
 * Whether a Deployment's rollout is finished, the way `kubectl rollout status` judges it; and,
 * unlike it, failed when its pods cannot even be created (ReplicaFailure: a quota exceeded, a
 * webhook refusing) for longer than a blip, rather than waiting for the timeout.
 */
export function deploymentVerdict(
  deployment: V1Deployment,
  /** `since`: when this rollout began; a failure to create pods from before it is an earlier rollout's. */
  at: { readonly now?: number; readonly since?: Date } = {},
): Verdict {
  const now = at.now ?? Date.now();
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation)
    return inProgress(`waiting for generation ${generation} to be observed`);
  const progressing = status.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return failed(`progress deadline exceeded: ${progressing.message ?? "no progress"}`);
  }
  const replicaFailure = status.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  const failingSince = Date.parse(String(replicaFailure?.lastTransitionTime ?? ""));
  const thisRollout = !at.since || Number.isNaN(failingSince) || failingSince >= at.since.getTime() - 1000;
  if (
    replicaFailure &&
    thisRollout &&
    (Number.isNaN(failingSince) || now - failingSince >= replicaFailureGraceMs)
  )
    return failed(
      `pods cannot be created: ${replicaFailure.message ?? replicaFailure.reason ?? "ReplicaFailure"}`,
    );
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  if (updated < desired) return inProgress(`${updated} of ${desired} updated replicas`);
  if (total > updated) return inProgress(`${total - updated} old replicas pending termination`);
  if (available < updated) return inProgress(`${available} of ${updated} updated replicas available`);
  return succeeded(`${available} of ${desired} replicas available`);
}
