import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../../clients/kubernetes/request.ts";

/** The cluster did not answer, or refused our credentials: nothing else can be checked. */
export class ClusterUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClusterUnreachable";
  }
}

/** The API server's version (GET /version); the first request, so it also proves we can reach it. */
export async function serverVersion(cluster: Cluster, timeoutMs = 10_000): Promise<string> {
  const where = `context ${cluster.context}, server ${cluster.server}`;
  try {
    const version = await cluster.request<{ gitVersion?: string }>({
      method: "GET",
      path: "/version",
      // A black-holed address would otherwise hang: an unanswered check is a failed one.
      signal: AbortSignal.timeout(timeoutMs),
    });
    return version.gitVersion ?? "unknown";
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 401)
      throw new ClusterUnreachable(`the cluster refused our credentials (${where}): ${error.message}`);
    if (error instanceof KubernetesApiError) throw error;
    const name = (error as Error).name;
    const detail =
      name === "TimeoutError" || name === "AbortError"
        ? `no answer within ${timeoutMs / 1000} s`
        : (error as Error).message;
    throw new ClusterUnreachable(`cannot reach the cluster (${where}): ${detail}`);
  }
}

export interface Identity {
  readonly username: string;
  readonly groups: readonly string[];
}

/** Who the cluster says we are (SelfSubjectReview, allowed to every authenticated user). */
export async function identity(cluster: Cluster): Promise<Identity> {
  const review = await cluster.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>({
    method: "POST",
    path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
  });
  const user = review.status?.userInfo;
  return { username: user?.username ?? "unknown", groups: user?.groups ?? [] };
}

/** Whether the namespace exists; "unknown" when this identity may not read Namespace objects. */
export async function namespaceState(
  cluster: Cluster,
  namespace: string,
): Promise<"exists" | "missing" | "unknown"> {
  try {
    return (await cluster.get("Namespace", namespace, "")) ? "exists" : "missing";
  } catch (error) {
    // A namespaced identity may not read Namespaces: not a failure, just not known.
    if (error instanceof KubernetesApiError && error.status === 403) return "unknown";
    throw error;
  }
}
