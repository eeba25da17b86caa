import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { Cluster } from "./cluster.ts";

export const fieldManager = "slipway";

export interface ApplyOptions {
  /** Server-side dry run: the server validates and admits, and stores nothing. */
  readonly dryRun?: boolean;
  /** Take over fields another manager owns (otherwise a conflict is an error). */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

/** Server-side apply of one object as rendered, with Slipway's field manager. */
export function applyObject(
  kc: KubeConfig,
  object: KubernetesObject,
  options: ApplyOptions = {},
): Promise<KubernetesObject> {
  return new Cluster(kc, kc.getCurrentContext()).apply(object, options);
}
