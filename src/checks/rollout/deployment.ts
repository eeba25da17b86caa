import type { V1Deployment } from "@kubernetes/client-node";
import { failed, inProgress, succeeded, type Verdict } from "./verdict.ts";

/** Whether a Deployment's rollout is finished, the way `kubectl rollout status` judges it. */
export function deploymentVerdict(deployment: V1Deployment): Verdict {
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation)
    return inProgress(`waiting for generation ${generation} to be observed`);
  const progressing = status.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return failed(`progress deadline exceeded: ${progressing.message ?? "no progress"}`);
  }
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  if (updated < desired) return inProgress(`${updated} of ${desired} updated replicas`);
  if (total > updated) return inProgress(`${total - updated} old replicas pending termination`);
  if (available < updated) return inProgress(`${available} of ${updated} updated replicas available`);
  return succeeded(`${available} of ${desired} replicas available`);
}
