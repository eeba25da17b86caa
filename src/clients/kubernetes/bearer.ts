import { KubeConfig } from "@kubernetes/client-node";
import { Cluster } from "./cluster.ts";

/**
 * The same cluster (server, CA, TLS settings) as `base`, reached with someone else's bearer
 * token: the dashboard acts with the signed-in person's credentials, so their RBAC applies and
 * the API server, not Slipway, decides what they may do. `origin` says how the credentials
 * reached Slipway (recorded beside the identity).
 */
export function clusterWithToken(base: Cluster, token: string, origin: string): Cluster {
  const source = base.kubeConfig.getCurrentCluster();
  if (!source) throw new Error(`kubeconfig context "${base.context}" names no cluster`);
  const kc = new KubeConfig();
  const user = "slipway-ui-session";
  kc.loadFromOptions({
    clusters: [source],
    users: [{ name: user, token }],
    contexts: [{ name: base.context, cluster: source.name, user }],
    currentContext: base.context,
  });
  return new Cluster(kc, base.context, { origin });
}
