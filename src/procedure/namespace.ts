import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";

/** Creates the namespace when missing. */
export async function ensureNamespace(cluster: Cluster, namespace: string): Promise<void> {
  try {
    await cluster.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  } catch (error) {
    // Exists already, or this identity may not create namespaces (a namespaced deployer's is made for it).
    if (!(error instanceof KubernetesApiError && (error.status === 409 || error.status === 403))) throw error;
  }
}
