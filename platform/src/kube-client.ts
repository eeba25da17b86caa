import { KubeConfig } from "@kubernetes/client-node";
import { adminKubeconfigPath } from "./parts/kube-identities.ts";
import type { Layout } from "./layout.ts";

/** The admin identity of the local control plane, through the official client. */
export function adminKubeConfig(layout: Layout): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfigPath({ layout }));
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
