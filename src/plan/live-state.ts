import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";

/** The kinds Slipway renders (StatefulSets and DaemonSets only as raw objects), in apply order. */
export const managedKinds = [
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "PodDisruptionBudget",
  "HorizontalPodAutoscaler",
  "CronJob",
  "Ingress",
  "NetworkPolicy",
] as const;

export const objectKey = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.name}`;

/** The selector of everything Slipway manages for one platform in one environment. */
export const managedSelector = (project: string, environment: string): string =>
  `app.kubernetes.io/managed-by=slipway,app.kubernetes.io/part-of=${project},slipway.dev/environment=${environment}`;

/**
 * What runs now: one LIST per kind, filtered by Slipway's labels on the server, so the cost
 * grows with the number of kinds, not of objects.
 */
export async function readLiveState(
  cluster: Cluster,
  namespace: string,
  project: string,
  environment: string,
  signal?: AbortSignal,
): Promise<Map<string, KubernetesObject>> {
  const selector = managedSelector(project, environment);
  const lists = await Promise.all(
    managedKinds.map((kind) => cluster.list(kind, namespace, selector, signal)),
  );
  return new Map(lists.flatMap((l) => l.items).map((o) => [objectKey(o), o]));
}
