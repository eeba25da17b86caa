import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { UsageError } from "../cli/usage-error.ts";

/** The kinds `slipway import` reads from a namespace, in the order it reports them. */
export const importedKinds = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "CronJob",
  "Job",
  "Service",
  "Ingress",
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "PersistentVolumeClaim",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "NetworkPolicy",
] as const;

/**
 * A Secret as the import sees it: its name, type, labels and the names of its keys. Its values
 * are dropped as soon as the list arrives, so nothing later can write or print them.
 */
export interface SecretReference {
  readonly name: string;
  readonly type: string;
  readonly keys: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerKinds: readonly string[];
}

export interface LiveNamespace {
  readonly namespace: string;
  /** Every object read but Secrets, as the API returned it. */
  readonly objects: readonly KubernetesObject[];
  readonly secrets: readonly SecretReference[];
}

/** Strips a Secret to what may be known of it without its values. */
export function secretReference(secret: KubernetesObject): SecretReference {
  const s = secret as KubernetesObject & {
    type?: string;
    data?: Record<string, unknown>;
    stringData?: Record<string, unknown>;
  };
  return {
    name: s.metadata?.name ?? "",
    type: s.type ?? "Opaque",
    keys: Object.keys({ ...s.data, ...s.stringData }).sort(),
    labels: { ...s.metadata?.labels },
    ownerKinds: (s.metadata?.ownerReferences ?? []).map((o) => o.kind),
  };
}

/**
 * Reads what runs in a namespace: one LIST per kind, no label filter. The namespace must exist;
 * a missing one is said with the context, as a wrong command line (exit 2).
 */
export async function readNamespace(cluster: Cluster, namespace: string): Promise<LiveNamespace> {
  const found = await cluster.get("Namespace", namespace, namespace);
  if (!found)
    throw new UsageError(
      `namespace "${namespace}" does not exist in context ${cluster.context} (${cluster.server})`,
      "check the name with kubectl get namespaces, or pass another --context",
    );
  const lists = await Promise.all(
    importedKinds.map(async (kind) => {
      try {
        return (await cluster.listWhere(kind, namespace, {})).items;
      } catch (error) {
        if (error instanceof KubernetesApiError && error.status === 403)
          throw new KubernetesApiError(
            403,
            error.reason,
            `cannot list ${kind} objects in namespace ${namespace}: ${error.message}; the import needs to read every kind it maps (the "view" role, and list on secrets for their names)`,
            error.path,
          );
        throw error;
      }
    }),
  );
  const all = lists.flat();
  return {
    namespace,
    objects: all.filter((o) => o.kind !== "Secret"),
    secrets: all.filter((o) => o.kind === "Secret").map(secretReference),
  };
}
