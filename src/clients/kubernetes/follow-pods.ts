import type { V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";

/**
 * Keeps `pods` (by name) current with the pods a selector matches, calling `changed` after
 * every list and every change, until `signal` aborts.
 */
export function followPods(
  cluster: Cluster,
  namespace: string,
  selector: string,
  pods: Map<string, V1Pod>,
  changed: () => void,
  signal: AbortSignal,
): void {
  void cluster.follow(
    "Pod",
    namespace,
    selector,
    {
      listed: (items) => {
        pods.clear();
        for (const p of items) pods.set(p.metadata?.name ?? "", p as V1Pod);
        changed();
      },
      changed: (type, object) => {
        if (type === "DELETED") pods.delete(object.metadata?.name ?? "");
        else pods.set(object.metadata?.name ?? "", object as V1Pod);
        changed();
      },
    },
    signal,
  );
}
