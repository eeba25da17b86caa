import type { KubernetesObject } from "@kubernetes/client-node";
import { stringify } from "yaml";

/** Multi-document YAML; the same objects always give the same bytes. */
export function toYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, sortMapEntries: false })).join("---\n");
}

export function toJson(objects: readonly KubernetesObject[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2) + "\n";
}

/** A file name for one object in `render --out DIR`. */
export function fileNameFor(object: KubernetesObject): string {
  return `${(object.kind ?? "object").toLowerCase()}-${object.metadata?.name ?? "unnamed"}.yaml`;
}
