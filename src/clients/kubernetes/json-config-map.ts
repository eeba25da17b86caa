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

/**
 * The document in a ConfigMap a reader already holds (a watch's copy): read back as written, or
 * nothing when it is absent or not Slipway's JSON (the deploy and fleet journals).
 */
export function jsonInConfigMap<T>(configMap: KubernetesObject | undefined, key: string): T | undefined {
  const text = (configMap as (KubernetesObject & { data?: Record<string, string> }) | undefined)?.data?.[key];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined; // written by something else: nothing to show rather than a crash
  }
}

/** The ConfigMap holding one document, for a server-side apply: one request, whether it exists or not. */
export function configMapWithJson(
  ref: JsonConfigMapRef,
  labels: Readonly<Record<string, string>>,
  value: unknown,
): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: ref.name, namespace: ref.namespace, labels: { ...labels } },
    data: { [ref.key]: JSON.stringify(value) },
  } as KubernetesObject;
}
