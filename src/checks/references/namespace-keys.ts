import type { Cluster } from "../../clients/kubernetes/cluster.ts";

/** Per Secret and per ConfigMap of a namespace, its key names: never its values. */
export interface NamespaceKeys {
  readonly Secret: ReadonlyMap<string, readonly string[]>;
  readonly ConfigMap: ReadonlyMap<string, readonly string[]>;
}

type WithData = {
  metadata?: { name?: string };
  data?: Record<string, unknown>;
  binaryData?: Record<string, unknown>;
};

/** Drops the values as soon as the list arrives: only the key names are kept or passed on. */
const keysOf = (items: readonly WithData[]): Map<string, readonly string[]> =>
  new Map(
    items.map((o) => [
      o.metadata?.name ?? "",
      [...Object.keys(o.data ?? {}), ...Object.keys(o.binaryData ?? {})].sort(),
    ]),
  );

/**
 * Two LISTs, whatever the number of references: the namespace's Secrets and ConfigMaps. The
 * API has no way to list a Secret's keys without its data, so the data is read and dropped at
 * once. Release records are Secrets too, and the largest: the field selector leaves them out.
 */
export async function readNamespaceKeys(
  cluster: Cluster,
  namespace: string,
  signal?: AbortSignal,
): Promise<NamespaceKeys> {
  const [secrets, configMaps] = await Promise.all([
    cluster.listWhere("Secret", namespace, { fieldSelector: "type!=slipway.dev/release" }, signal),
    cluster.listWhere("ConfigMap", namespace, {}, signal),
  ]);
  return {
    Secret: keysOf(secrets.items as WithData[]),
    ConfigMap: keysOf(configMaps.items as WithData[]),
  };
}
