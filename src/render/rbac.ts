import type { V1Role } from "@kubernetes/client-node";

/**
 * Everything a deploy does, and nothing more: manage the kinds Slipway renders, keep release
 * records (Secrets) and the lock (Lease), watch rollouts, read pods and their logs, run Jobs,
 * and say who it is (SelfSubjectReview needs no Role).
 */
export function deployerRole(
  namespace: string,
  name = "slipway-deployer",
): V1Role & { apiVersion: string; kind: string } {
  const manage = ["get", "list", "watch", "create", "update", "patch", "delete"];
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name, namespace },
    rules: [
      {
        apiGroups: [""],
        resources: ["configmaps", "services", "serviceaccounts", "persistentvolumeclaims", "secrets"],
        verbs: manage,
      },
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
      // Events: create (a forced unlock says so), list (why a pod failed: a probe, a mount).
      { apiGroups: [""], resources: ["events"], verbs: ["create", "list"] },
      { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets"], verbs: manage },
      { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: manage },
      { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: manage },
      { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: manage },
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: manage },
      { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: manage },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "create", "update", "delete"],
      },
    ],
  };
}
