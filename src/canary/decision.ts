import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { objectPath } from "../clients/kubernetes/resources.ts";
import { decisionAnnotation } from "./names.ts";
import type { CanaryDecision } from "./record.ts";

/**
 * A person's promote or abort travels as an annotation on the canary Deployment: the deploy that
 * runs the canary (or resumes it) reads it while it waits, records it in the release and removes
 * it. No second object to clean up, and an abort reaches a canary even when nothing runs it.
 */

const patchAnnotation = async (
  cluster: Cluster,
  namespace: string,
  deployment: string,
  value: string | null,
): Promise<void> => {
  await cluster.request({
    method: "PATCH",
    path: objectPath("Deployment", deployment, namespace),
    contentType: "application/merge-patch+json",
    body: { metadata: { annotations: { [decisionAnnotation]: value } } },
  });
};

/** Gives a decision; false when there is no canary Deployment to give it to. */
export async function giveDecision(
  cluster: Cluster,
  namespace: string,
  deployment: string,
  decision: CanaryDecision,
): Promise<boolean> {
  try {
    await patchAnnotation(cluster, namespace, deployment, JSON.stringify(decision));
    return true;
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 404) return false;
    throw error;
  }
}

/** The decision waiting on the canary Deployment, if any (an unreadable one is none). */
export async function readDecision(
  cluster: Cluster,
  namespace: string,
  deployment: string,
): Promise<CanaryDecision | undefined> {
  const object = await cluster.get("Deployment", deployment, namespace);
  const text = object?.metadata?.annotations?.[decisionAnnotation];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<CanaryDecision>;
    if ((parsed.action !== "promote" && parsed.action !== "abort") || typeof parsed.step !== "number")
      return undefined;
    return {
      action: parsed.action,
      step: parsed.step,
      by: typeof parsed.by === "string" ? parsed.by : "unknown",
      at: typeof parsed.at === "string" ? parsed.at : new Date().toISOString(),
      ...(typeof parsed.reason === "string" ? { reason: parsed.reason } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Removes a decision once the deploy has recorded it. */
export async function clearDecision(cluster: Cluster, namespace: string, deployment: string): Promise<void> {
  try {
    await patchAnnotation(cluster, namespace, deployment, null);
  } catch (error) {
    if (!(error instanceof KubernetesApiError && error.status === 404)) throw error;
  }
}
