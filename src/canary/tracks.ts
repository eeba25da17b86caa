import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { objectPath } from "../clients/kubernetes/resources.ts";
import { sleep } from "../util/sleep.ts";
import { canaryDeploymentName, canaryManager, trackLabel } from "./names.ts";
import { canaryDeployment, canaryService } from "./render.ts";

/**
 * The two tracks of a service in the cluster: the stable Deployment (the plan's, untouched but
 * for its replica count while a canary runs) and the canary's Deployment and Service.
 */

export type Track = "stable" | "canary";

/** The pods of one track: the canary's carry the track label, the stable ones none. */
export const trackSelector = (service: string, track: Track): string =>
  `app.kubernetes.io/name=${service},${track === "canary" ? `${trackLabel}=canary` : `!${trackLabel}`}`;

export async function trackPods(
  cluster: Cluster,
  namespace: string,
  service: string,
  track: Track,
  signal?: AbortSignal,
): Promise<V1Pod[]> {
  const list = await cluster.list("Pod", namespace, trackSelector(service, track), signal);
  return list.items as V1Pod[];
}

/** Sets the stable Deployment's replicas, leaving every other field as the last apply made it. */
export async function scaleStable(
  cluster: Cluster,
  namespace: string,
  deployment: string,
  replicas: number,
  signal?: AbortSignal,
): Promise<void> {
  await cluster.request({
    method: "PATCH",
    path: objectPath("Deployment", deployment, namespace),
    query: { fieldManager: canaryManager },
    contentType: "application/merge-patch+json",
    body: { spec: { replicas } },
    ...(signal ? { signal } : {}),
  });
}

/** Creates or scales the canary: its Deployment at `replicas`, and its Service when there is one. */
export async function applyCanary(
  cluster: Cluster,
  stable: { readonly deployment: KubernetesObject; readonly service?: KubernetesObject },
  replicas: number,
  signal?: AbortSignal,
): Promise<void> {
  const options = { force: true, ...(signal ? { signal } : {}) };
  if (stable.service) await cluster.apply(canaryService(stable.service), options);
  await cluster.apply(canaryDeployment(stable.deployment, replicas), options);
}

/**
 * Removes the canary: scaled to 0 first, so its pods end as any rollout's do (their drain, their
 * grace), then its Deployment and Service deleted. Waits until no canary pod is left, at most
 * `timeoutMs`; true when none is.
 */
export async function removeCanary(
  cluster: Cluster,
  namespace: string,
  names: { readonly service: string; readonly deployment: string },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const name = canaryDeploymentName(names.deployment);
  const [exists, service] = await Promise.all([
    cluster.get("Deployment", name, namespace),
    cluster.get("Service", name, namespace),
  ]);
  if (!exists && !service) return true;
  if (exists)
    await cluster.request({
      method: "PATCH",
      path: objectPath("Deployment", name, namespace),
      query: { fieldManager: canaryManager },
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 0 } },
      ...(signal ? { signal } : {}),
    });
  const deadline = Date.now() + timeoutMs;
  let left = await trackPods(cluster, namespace, names.service, "canary", signal);
  while (left.length && Date.now() < deadline) {
    await sleep(1000, signal);
    left = await trackPods(cluster, namespace, names.service, "canary", signal);
  }
  if (exists) await cluster.delete("Deployment", name, namespace);
  if (service) await cluster.delete("Service", name, namespace);
  return left.length === 0;
}
