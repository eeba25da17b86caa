import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { managedBy } from "../render/labels.ts";
import { diffObject, type FieldChange } from "./diff.ts";
import type { ObjectChange, ServicePlan } from "./plan.ts";

/** Where Slipway's labels and version annotation go: the object's metadata and its pod template's. */
const markedMetadata = [
  ["metadata"],
  ["spec", "template", "metadata"],
  ["spec", "jobTemplate", "spec", "template", "metadata"],
];
const slipwayLabelKeys = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/version",
  "app.kubernetes.io/managed-by",
  "slipway.dev/environment",
  "app.kubernetes.io/component",
];
const slipwayAnnotationKeys = ["slipway.dev/version", "slipway.dev/secret-parameters"];

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

function at(root: unknown, path: readonly string[]): JsonObject | undefined {
  let here: unknown = root;
  for (const key of path) here = isObject(here) ? here[key] : undefined;
  return isObject(here) ? here : undefined;
}

/**
 * The existing object as it will be once Slipway has labelled it: Slipway's labels and
 * annotations copied from the rendered object onto it, so that what is left to compare is
 * what adoption would change beyond its marks.
 */
export function withSlipwayMarks(existing: KubernetesObject, desired: KubernetesObject): KubernetesObject {
  const copy = structuredClone(existing) as JsonObject;
  for (const path of markedMetadata) {
    const want = at(desired, path);
    if (!want) continue;
    let have: JsonObject = copy;
    for (const key of path) {
      if (!isObject(have[key])) have[key] = {};
      have = have[key] as JsonObject;
    }
    for (const [field, keys] of [
      ["labels", slipwayLabelKeys],
      ["annotations", slipwayAnnotationKeys],
    ] as const) {
      const wanted = isObject(want[field]) ? want[field] : {};
      const marks = Object.fromEntries(keys.filter((k) => k in wanted).map((k) => [k, wanted[k]]));
      if (Object.keys(marks).length)
        have[field] = { ...(isObject(have[field]) ? have[field] : {}), ...marks };
    }
  }
  return copy as KubernetesObject;
}

/** What adopting an object changes besides Slipway's labels: the fields Slipway sets that differ. */
export const adoptionChanges = (desired: KubernetesObject, existing: KubernetesObject): FieldChange[] =>
  diffObject(desired, withSlipwayMarks(existing, desired));

/** Selects objects without Slipway's labels (and those of another manager). */
export const unmanagedSelector = `app.kubernetes.io/managed-by!=${managedBy}`;

/**
 * Objects the plan would create that already exist in the namespace without Slipway's labels
 * (made by kubectl, Helm or `slipway import`'s source): the apply adopts them. One LIST per kind
 * to create; each such object's changes are then what adoption changes beyond the labels.
 */
export async function withAdoptions(
  cluster: Cluster,
  namespace: string,
  services: readonly ServicePlan[],
  signal?: AbortSignal,
): Promise<ServicePlan[]> {
  const kinds = [
    ...new Set(services.flatMap((s) => s.objects.filter((o) => o.action === "create").map((o) => o.kind))),
  ];
  if (kinds.length === 0) return [...services];
  const lists = await Promise.all(
    kinds.map((kind) => cluster.listWhere(kind, namespace, { labelSelector: unmanagedSelector }, signal)),
  );
  const existing = new Map(
    lists.flatMap((l) => l.items).map((o) => [`${o.kind}/${o.metadata?.name}`, o] as const),
  );
  const adopt = (o: ObjectChange): ObjectChange => {
    const found = o.action === "create" && o.desired ? existing.get(`${o.kind}/${o.name}`) : undefined;
    return found && o.desired ? { ...o, adopts: true, changes: adoptionChanges(o.desired, found) } : o;
  };
  return services.map((s) => ({ ...s, objects: s.objects.map(adopt) }));
}
