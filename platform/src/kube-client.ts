import { KubeConfig } from "@kubernetes/client-node";
import { adminKubeconfigPath, contextName } from "./parts/kube-identities.ts";
import type { Layout } from "./layout.ts";

/**
 * An admin identity of the local platform, through the official client: context `local`
 * (or `k3s`, the same cluster) for the first control plane, `rancher` for the second, `edge` for the third.
 */
export function adminKubeConfig(layout: Layout, context: string = contextName): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfigPath({ layout }));
  if (!kc.getContextObject(context)) {
    throw new Error(
      `no context ${context} in ${adminKubeconfigPath({ layout })}; run: npm run platform -- up`,
    );
  }
  kc.setCurrentContext(context);
  return kc;
}

/** The status code of a failed call of @kubernetes/client-node 1.x, if it carries one. */
export function apiStatusCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "number") return code;
  }
  return undefined;
}
