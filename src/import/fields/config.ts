import type { KubernetesObject, V1Ingress } from "@kubernetes/client-node";
import { keyOf, type Drafting } from "../draft.ts";
import { podReferences, podTemplateOf } from "../pod-references.ts";

/** The service's configuration: the ConfigMaps it owns, with their entries, and the Secrets it names. */

/** The ConfigMaps this service owns: configMaps.<name>, written inline; name → entries. */
export function draftConfigMaps(d: Drafting): Map<string, Record<string, string>> {
  const { name, input, of, spec, raw, live, mapped } = d;
  const configMaps = new Map<string, Record<string, string>>();
  for (const cm of of<KubernetesObject & { data?: Record<string, string>; binaryData?: unknown }>(
    "ConfigMap",
  )) {
    const cmName = cm.metadata?.name ?? "";
    if (input.configMapOwners.get(cmName) !== name) continue;
    if (cm.binaryData) {
      raw.push({ kind: "ConfigMap", name: cmName, reason: "holds binaryData, which configMaps cannot give" });
      continue;
    }
    const data = { ...cm.data };
    configMaps.set(cmName, data);
    spec.configMaps = {
      ...spec.configMaps,
      [cmName]: {
        ...(Object.keys(data).length ? { data } : {}),
        ...(input.sharedConfigMaps.has(cmName) ? { shared: true } : {}),
      },
    };
    live.set(keyOf(cm), cm);
    mapped.push({
      kind: "ConfigMap",
      name: cmName,
      field: `configMaps.${cmName}${input.sharedConfigMaps.has(cmName) ? " (shared)" : ""}`,
    });
  }
  return configMaps;
}

/** Secrets: by name only. Every one the pods name is listed, to be provided in each environment. */
export function draftSecrets(d: Drafting): void {
  const { input, of, spec } = d;
  const { objects } = input;
  const secrets = new Set<string>();
  for (const o of objects) {
    const t = podTemplateOf(o);
    if (t) podReferences(t.spec).secrets.forEach((s) => secrets.add(s));
  }
  for (const i of of<V1Ingress>("Ingress"))
    for (const t of i.spec?.tls ?? []) if (t.secretName) secrets.add(t.secretName);
  if (secrets.size) spec.secrets = [...secrets].sort();
}
