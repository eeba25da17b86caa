import type { V1Role } from "@kubernetes/client-node";
import pLimit from "p-limit";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";

/** One thing a deploy does: a verb on a resource (and subresource), in a namespace or cluster-wide. */
export interface Permission {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Absent for cluster-scoped resources (namespaces). */
  readonly namespace?: string;
}

export interface PermissionVerdict extends Permission {
  readonly allowed: boolean;
  /** The authorizer's explanation, when it gives one. */
  readonly reason?: string;
}

/** Every verb/resource pair a Role grants, one permission each. */
export function permissionsOf(role: V1Role): Permission[] {
  const namespace = role.metadata?.namespace;
  return (role.rules ?? []).flatMap((rule) =>
    (rule.apiGroups ?? [""]).flatMap((group) =>
      (rule.resources ?? []).flatMap((path) => {
        const [resource = path, subresource] = path.split("/");
        return rule.verbs.map((verb) => ({
          verb,
          group,
          resource,
          ...(subresource ? { subresource } : {}),
          ...(namespace ? { namespace } : {}),
        }));
      }),
    ),
  );
}

/** "create deployments.apps", "get pods/log": how kubectl names a permission. */
export function describePermission(p: Permission): string {
  const resource = `${p.resource}${p.subresource ? `/${p.subresource}` : ""}${p.group ? `.${p.group}` : ""}`;
  return `${p.verb} ${resource}${p.namespace ? ` in namespace ${p.namespace}` : " (cluster-wide)"}`;
}

/** Asks the API server's own authorizer (SelfSubjectAccessReview): RBAC, webhooks and all. */
export async function reviewAccess(cluster: Cluster, permission: Permission): Promise<PermissionVerdict> {
  const review = await cluster.request<{ status?: { allowed?: boolean; reason?: string } }>({
    method: "POST",
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: { resourceAttributes: permission },
    },
  });
  const reason = review.status?.reason;
  return { ...permission, allowed: review.status?.allowed === true, ...(reason ? { reason } : {}) };
}

/** Reviews many permissions, a few at a time: a remote API server should not get ~100 at once. */
export async function reviewAll(
  cluster: Cluster,
  permissions: readonly Permission[],
  concurrency = 8,
): Promise<PermissionVerdict[]> {
  const limit = pLimit(concurrency);
  return Promise.all(permissions.map((p) => limit(() => reviewAccess(cluster, p))));
}
