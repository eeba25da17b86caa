import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../../definitions/model.ts";
import { deployerRole } from "../../render/rbac.ts";
import { identity, namespaceState, serverVersion, type Identity } from "./cluster-facts.ts";
import { describePermission, permissionsOf, reviewAll, type PermissionVerdict } from "./permissions.ts";

/** Whether a deploy to one environment can work, as the cluster itself answers it. */
export interface EnvCheck {
  readonly environment: string;
  readonly context: string;
  readonly server: string;
  readonly namespace: string;
  readonly kubernetesVersion: string;
  readonly identity: Identity;
  readonly namespaceState: "exists" | "missing" | "unknown";
  /** Every permission a deploy needs, with the authorizer's verdict. */
  readonly permissions: readonly PermissionVerdict[];
  /** One line per thing that stops a deploy. */
  readonly problems: readonly string[];
  /** Commands (for a cluster admin) that remove the problems. */
  readonly fixes: readonly string[];
  readonly ok: boolean;
}

/**
 * Reaches the cluster, asks who we are, and reviews each permission the deployer Role grants
 * (the Role `slipway rbac` prints is exactly what a deploy needs), plus creating the namespace
 * when it does not exist yet (a deploy creates it).
 */
export async function checkEnvironment(cluster: Cluster, env: EnvironmentModel): Promise<EnvCheck> {
  const namespace = env.cluster.namespace;
  const kubernetesVersion = await serverVersion(cluster);
  const [who, nsState, namespaced] = await Promise.all([
    identity(cluster),
    namespaceState(cluster, namespace),
    reviewAll(cluster, permissionsOf(deployerRole(namespace))),
  ]);
  const createNamespace =
    nsState === "missing"
      ? await reviewAll(cluster, [{ verb: "create", group: "", resource: "namespaces" }])
      : [];
  const permissions = [...createNamespace, ...namespaced];

  const problems = permissions
    .filter((p) => !p.allowed)
    .map((p) =>
      p.resource === "namespaces"
        ? `namespace ${namespace} does not exist, and ${who.username} may not create it`
        : `denied: ${describePermission(p)}`,
    );
  const fixes = [
    ...(createNamespace.some((p) => !p.allowed) ? [`kubectl create namespace ${namespace}`] : []),
    ...(namespaced.some((p) => !p.allowed)
      ? [`slipway rbac --env ${env.name} | kubectl apply -f -`, bindCommand(who.username, namespace)]
      : []),
  ];
  return {
    environment: env.name,
    context: cluster.context,
    server: cluster.server,
    namespace,
    kubernetesVersion,
    identity: who,
    namespaceState: nsState,
    permissions,
    problems,
    fixes,
    ok: problems.length === 0,
  };
}

/** The RoleBinding giving this identity the deployer Role (`slipway rbac` prints the Role only). */
function bindCommand(username: string, namespace: string): string {
  const role = deployerRole(namespace).metadata?.name ?? "slipway-deployer";
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  const subject = serviceAccount
    ? `--serviceaccount=${serviceAccount[1]}:${serviceAccount[2]}`
    : `--user=${username}`;
  return `kubectl create rolebinding ${role} --role=${role} ${subject} --namespace=${namespace}`;
}
