import { CoreV1Api, RbacAuthorizationV1Api, type V1Role } from "@kubernetes/client-node";
import { parse, stringify } from "yaml";
import { adminKubeConfig, apiStatusCode } from "./kube-client.ts";
import { defaultLayout, type Layout } from "./layout.ts";
import { renderKubeconfig } from "./kubeconfig.ts";
import { pkiDir, pkiIn, planeForContext, type AdminContext } from "./parts/control-plane.ts";

export interface NamespaceTokenRequest {
  readonly namespace: string;
  readonly serviceAccount?: string;
  /** A built-in ClusterRole granted in that namespace only: view, edit or admin. */
  readonly clusterRole?: "view" | "edit" | "admin";
  /** Instead of a built-in ClusterRole: this Role, created in the namespace and bound. */
  readonly role?: V1Role;
  readonly expirationSeconds?: number;
  readonly layout?: Layout;
  /** The admin context to mint it on: `local` (default) or `k3s` (the first cluster), `rancher` (the second), `edge` (the third). */
  readonly context?: AdminContext;
  /** Context name in the returned kubeconfig (default `<namespace>-<serviceAccount>`). */
  readonly contextName?: string;
}

export interface NamespaceToken {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly token: string;
  /** A kubeconfig for this identity, context `<namespace>-<serviceAccount>`. */
  readonly kubeconfig: string;
}

const ignoreConflict = async (create: () => Promise<unknown>): Promise<void> => {
  try {
    await create();
  } catch (error) {
    if (apiStatusCode(error) !== 409) throw error;
  }
};

/**
 * Mints a token for a ServiceAccount that may act in one namespace only, through the
 * TokenRequest API: the least-privilege identity a real deploy pipeline would use.
 */
export async function mintNamespaceToken(request: NamespaceTokenRequest): Promise<NamespaceToken> {
  const layout = request.layout ?? defaultLayout();
  const context = request.context ?? "local";
  const plane = planeForContext(context);
  const kc = adminKubeConfig(layout, context);
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const namespace = request.namespace;
  const name = request.serviceAccount ?? "slipway-deployer";
  const roleRef = request.role
    ? { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: request.role.metadata?.name ?? name }
    : { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: request.clusterRole ?? "edit" };
  await ignoreConflict(() => core.createNamespace({ body: { metadata: { name: namespace } } }));
  await ignoreConflict(() =>
    core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }),
  );
  const customRole = request.role;
  if (customRole) {
    await ignoreConflict(() =>
      rbac.createNamespacedRole({
        namespace,
        body: { ...customRole, metadata: { ...customRole.metadata, namespace } },
      }),
    );
  }
  await ignoreConflict(() =>
    rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: `${name}-${roleRef.name}` },
        roleRef,
        subjects: [{ kind: "ServiceAccount", name, namespace }],
      },
    }),
  );
  const issued = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: request.expirationSeconds ?? 3600 } },
  });
  const token = issued.status?.token;
  if (!token) throw new Error(`the API server issued no token for ${namespace}/${name}`);
  const kubeconfig = renderKubeconfig({
    server: plane.apiserverUrl,
    caCertPath: pkiIn(pkiDir(layout, plane.name)).caCert,
    user: `${namespace}-${name}`,
    token,
    context: request.contextName ?? `${namespace}-${name}`,
    namespace,
  });
  return { namespace, serviceAccount: name, token, kubeconfig };
}

/**
 * One kubeconfig of several (a person's tokens on several clusters, each its own context): the
 * clusters, users and contexts of all, the first one's context current.
 */
export function mergeKubeconfigs(...documents: readonly string[]): string {
  type Kubeconfig = {
    clusters?: unknown[];
    users?: unknown[];
    contexts?: unknown[];
    "current-context"?: string;
  };
  const parsed = documents.map((d) => parse(d) as Kubeconfig);
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: parsed.flatMap((k) => k.clusters ?? []),
    users: parsed.flatMap((k) => k.users ?? []),
    contexts: parsed.flatMap((k) => k.contexts ?? []),
    "current-context": parsed[0]?.["current-context"],
  });
}
