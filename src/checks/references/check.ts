import type { KubernetesObject } from "@kubernetes/client-node";
import { failed, passed, type GateCheck } from "../gate/types.ts";
import type { NamespaceKeys } from "./namespace-keys.ts";
import { podReferences, type PodReference } from "./pod-references.ts";

export interface ReferencesInput {
  readonly service: string;
  readonly namespace: string;
  /** What the service runs: its rendered objects and the Jobs it may start (their pod templates). */
  readonly objects: readonly KubernetesObject[];
  /** The definition's `secrets`: Secrets it says it uses, whether or not a pod names them. */
  readonly listedSecrets: readonly string[];
  /** The namespace's Secrets and ConfigMaps (key names only). */
  readonly live: NamespaceKeys;
  /** Objects the deploy itself applies (every planned service's), which count as they are rendered. */
  readonly rendered: readonly KubernetesObject[];
  /** A Secret another check covers more closely (the environment's pull secret). */
  readonly coveredElsewhere?: string;
  /** Shared ConfigMaps the service uses that another service renders and owns. */
  readonly sharedOwners?: readonly { readonly name: string; readonly owner: string }[];
}

type Kind = PodReference["kind"];

/** At most three places, so a Secret every CronJob uses still fits on a line. */
const places = (refs: readonly PodReference[]): string => {
  const where = [...new Set(refs.map((r) => r.where))];
  return where.length > 3 ? `${where.slice(0, 3).join("; ")} and ${where.length - 3} more` : where.join("; ");
};

function createHint(kind: Kind, name: string, keys: readonly string[], namespace: string): string {
  if (kind === "ConfigMap")
    return `kubectl -n ${namespace} create configmap ${name}${keys.map((k) => ` --from-literal=${k}=...`).join("")}`;
  return `kubectl -n ${namespace} create secret generic ${name}${keys.map((k) => ` --from-literal=${k}=...`).join("")}`;
}

/** Rendered ConfigMaps (and any Secret) as the apply will leave them: live keys replaced by theirs. */
function keysAfterApply(input: ReferencesInput): Record<Kind, Map<string, readonly string[]>> {
  const keys = { Secret: new Map(input.live.Secret), ConfigMap: new Map(input.live.ConfigMap) };
  for (const o of input.rendered) {
    if (o.kind !== "Secret" && o.kind !== "ConfigMap") continue;
    const data = o as { data?: Record<string, unknown>; binaryData?: Record<string, unknown> };
    keys[o.kind].set(
      o.metadata?.name ?? "",
      [...Object.keys(data.data ?? {}), ...Object.keys(data.binaryData ?? {})].sort(),
    );
  }
  return keys;
}

/**
 * Every Secret and ConfigMap the service's pods reference must be in the namespace, with the
 * keys they read, or the pods never start (on a real cluster they wait in ContainerCreating
 * until the rollout times out; simulated nodes do not notice at all). Optional ones do not
 * count. Key names are compared; values are never read here.
 */
export function checkReferences(input: ReferencesInput): GateCheck {
  const refs = podReferences(input.objects).filter(
    (r) =>
      !(r.kind === "Secret" && r.name === input.coveredElsewhere && r.where.endsWith("imagePullSecrets")),
  );
  for (const name of input.listedSecrets)
    if (!refs.some((r) => r.kind === "Secret" && r.name === name))
      refs.push({ kind: "Secret", name, optional: false, where: "the definition's secrets" });
  const keys = keysAfterApply(input);
  const required = refs.filter((r) => !r.optional);
  const byObject = new Map<string, PodReference[]>();
  for (const r of required)
    byObject.set(`${r.kind}/${r.name}`, [...(byObject.get(`${r.kind}/${r.name}`) ?? []), r]);
  const problems: string[] = [];
  for (const [id, uses] of [...byObject].sort(([a], [b]) => a.localeCompare(b))) {
    const { kind, name } = uses[0] as PodReference;
    const present = keys[kind].get(name);
    const wanted = [...new Set(uses.flatMap((u) => (u.key ? [u.key] : [])))].sort();
    const owner = kind === "ConfigMap" ? input.sharedOwners?.find((o) => o.name === name)?.owner : undefined;
    if (!present && owner) {
      // Created by hand it would then clash with the owner's; the owner's deploy is the fix.
      problems.push(
        `service ${input.service}: ${id} is not in namespace ${input.namespace}: ${owner} renders and shares it, and is not deployed there; used by ${places(uses)}: its pods would never start; fix: deploy ${owner} first, or with it (slipway deploy ${owner} ${input.service})`,
      );
      continue;
    }
    if (!present) {
      problems.push(
        `service ${input.service}: ${id}${wanted.length ? ` (key${wanted.length > 1 ? "s" : ""} ${wanted.join(", ")})` : ""} is not in namespace ${input.namespace}, used by ${places(uses)}: its pods would never start; fix: ${createHint(kind, name, wanted, input.namespace)}`,
      );
      continue;
    }
    for (const key of wanted.filter((k) => !present.includes(k)))
      problems.push(
        `service ${input.service}: ${id} has no key ${key} (its keys: ${present.join(", ") || "none"}), used by ${places(uses.filter((u) => u.key === key))}: its pods would never start; fix: add key ${key} to ${id} in namespace ${input.namespace}`,
      );
  }
  const count = (kind: Kind): number =>
    new Set(required.filter((r) => r.kind === kind).map((r) => r.name)).size;
  const optional = new Set(refs.filter((r) => r.optional).map((r) => `${r.kind}/${r.name}`)).size;
  const what = `${count("Secret")} Secret(s) and ${count("ConfigMap")} ConfigMap(s) the pods use${optional ? ` (${optional} optional, not required)` : ""}`;
  return problems.length
    ? failed("references", `${problems.length} missing of ${what}`, problems)
    : passed("references", `${what} are in ${input.namespace}, with their keys`);
}
