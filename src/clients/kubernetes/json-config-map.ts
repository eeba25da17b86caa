import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";

/** Where one JSON document lives: a ConfigMap and the key holding it. */
export interface JsonConfigMapRef {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/** Reads the document, or undefined when the ConfigMap or its key is absent. */
export async function readJsonConfigMap<T>(cluster: Cluster, ref: JsonConfigMapRef): Promise<T | undefined> {
  const object = (await cluster.get("ConfigMap", ref.name, ref.namespace)) as
    (KubernetesObject & { data?: Record<string, string> }) | undefined;
  const text = object?.data?.[ref.key];
  return text ? (JSON.parse(text) as T) : undefined;
}

/** Writes the document: creates the ConfigMap, or replaces it when it exists. */
export async function writeJsonConfigMap(
  cluster: Cluster,
  ref: JsonConfigMapRef,
  value: unknown,
  labels: Readonly<Record<string, string>>,
): Promise<void> {
  const existing = await cluster.get("ConfigMap", ref.name, ref.namespace);
  const object = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels,
      ...(existing?.metadata?.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
    },
    data: { [ref.key]: JSON.stringify(value, null, 2) },
  };
  if (existing) await cluster.replace(object);
  else await cluster.create(object);
}
