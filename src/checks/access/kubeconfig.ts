import { KubeConfig } from "@kubernetes/client-node";

/** The kubeconfig at a path, else the default one ($KUBECONFIG, then ~/.kube/config). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

export interface ContextTarget {
  readonly context: string;
  readonly exists: boolean;
  /** The API server the context's cluster names. */
  readonly server?: string;
}

/** Where a kube context points, without contacting it. */
export function contextTarget(kc: KubeConfig, context: string): ContextTarget {
  const found = kc.getContextObject(context);
  if (!found) return { context, exists: false };
  const server = kc.getCluster(found.cluster)?.server;
  return { context, exists: true, ...(server ? { server } : {}) };
}

/** The context names a kubeconfig has, for messages. */
export const contextNames = (kc: KubeConfig): string =>
  kc
    .getContexts()
    .map((c) => c.name)
    .join(", ") || "none";
