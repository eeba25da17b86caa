import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";

/** The kinds Slipway renders, in apply order. */
export const managedKinds = [
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
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

/**
 * The version a service runs, from its live workloads' version annotation: its Deployment's,
 * or for a service that runs only CronJobs, its first CronJob's.
 */
export function liveVersionOf(objects: Iterable<KubernetesObject>, service: string): string | undefined {
  const mine = [...objects].filter((o) => o.metadata?.labels?.["app.kubernetes.io/name"] === service);
  const workload =
    mine.find((o) => o.kind === "Deployment" && o.metadata?.name === service) ??
    mine
      .filter((o) => o.kind === "CronJob")
      .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))[0];
  return workload?.metadata?.annotations?.["slipway.dev/version"];
}
