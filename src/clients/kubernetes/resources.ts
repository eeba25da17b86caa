/**
 * Where each kind Slipway renders lives in the API. Slipway renders a fixed set of
 * kinds, so a table is exact and needs no discovery round-trip.
 */
export interface ResourceInfo {
  readonly apiVersion: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const resources: Readonly<Record<string, ResourceInfo>> = {
  ConfigMap: { apiVersion: "v1", plural: "configmaps", namespaced: true },
  Secret: { apiVersion: "v1", plural: "secrets", namespaced: true },
  Service: { apiVersion: "v1", plural: "services", namespaced: true },
  ServiceAccount: { apiVersion: "v1", plural: "serviceaccounts", namespaced: true },
  PersistentVolumeClaim: { apiVersion: "v1", plural: "persistentvolumeclaims", namespaced: true },
  Namespace: { apiVersion: "v1", plural: "namespaces", namespaced: false },
  Deployment: { apiVersion: "apps/v1", plural: "deployments", namespaced: true },
  StatefulSet: { apiVersion: "apps/v1", plural: "statefulsets", namespaced: true },
  DaemonSet: { apiVersion: "apps/v1", plural: "daemonsets", namespaced: true },
  CronJob: { apiVersion: "batch/v1", plural: "cronjobs", namespaced: true },
  PodDisruptionBudget: { apiVersion: "policy/v1", plural: "poddisruptionbudgets", namespaced: true },
  HorizontalPodAutoscaler: {
    apiVersion: "autoscaling/v2",
    plural: "horizontalpodautoscalers",
    namespaced: true,
  },
  Job: { apiVersion: "batch/v1", plural: "jobs", namespaced: true },
  Ingress: { apiVersion: "networking.k8s.io/v1", plural: "ingresses", namespaced: true },
  NetworkPolicy: { apiVersion: "networking.k8s.io/v1", plural: "networkpolicies", namespaced: true },
  Pod: { apiVersion: "v1", plural: "pods", namespaced: true },
  Event: { apiVersion: "v1", plural: "events", namespaced: true },
  Lease: { apiVersion: "coordination.k8s.io/v1", plural: "leases", namespaced: true },
  Role: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "roles", namespaced: true },
  RoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "rolebindings", namespaced: true },
};

/** The REST path of one object. */
/** The REST path of a kind's collection. */
export function collectionPath(kind: string, namespace?: string): string {
  const info = resources[kind];
  if (!info) throw new Error(`Slipway does not know the API path of kind ${kind}`);
  const base = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  return info.namespaced
    ? `${base}/namespaces/${encodeURIComponent(namespace ?? "default")}/${info.plural}`
    : `${base}/${info.plural}`;
}

export function objectPath(kind: string, name: string, namespace?: string): string {
  const info = resources[kind];
  if (!info) throw new Error(`Slipway does not know the API path of kind ${kind}`);
  const base = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "default")}` : "";
  return `${base}${ns}/${info.plural}/${encodeURIComponent(name)}`;
}

/** The accept header of a metadata-only LIST: objects without their payloads (release Secrets). */
export const metadataOnlyAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
/** The same for a watch, whose events carry one object each. */
export const metadataOnlyWatchAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
