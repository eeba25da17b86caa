import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { Cluster, type ApplyOptions } from "./cluster.ts";

export { fieldManager, type ApplyOptions } from "./cluster.ts";

/** Server-side apply of one object as rendered, with Slipway's field manager. */
export function applyObject(
  kc: KubeConfig,
  object: KubernetesObject,
  options: ApplyOptions = {},
): Promise<KubernetesObject> {
  return new Cluster(kc, kc.getCurrentContext()).apply(object, options);
}
