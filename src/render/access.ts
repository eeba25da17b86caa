import type { V1Role, V1RoleBinding, V1ServiceAccount } from "@kubernetes/client-node";
import { metadata, type RenderContext } from "./labels.ts";

/** A ServiceAccount for the service's pods and a Role bound to it, in its namespace only. */
export function renderAccess(ctx: RenderContext): [V1ServiceAccount, V1Role, V1RoleBinding] | [] {
  const { spec } = ctx.service;
  if (!spec.serviceAccount) return [];
  const name = spec.name;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: metadata(ctx, name) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: metadata(ctx, name),
      rules: spec.serviceAccount.rules.map((r) => ({
        apiGroups: [...r.apiGroups],
        resources: [...r.resources],
        verbs: [...r.verbs],
        ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
      })),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: metadata(ctx, name),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: ctx.env.cluster.namespace }],
    },
  ];
}
