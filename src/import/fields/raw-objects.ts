import type { KubernetesObject, V1Job } from "@kubernetes/client-node";
import { rawObjectKinds } from "../../definitions/schema/escape-hatch.ts";
import { keyOf, type Drafting, type Spec } from "../draft.ts";
import { nonEmpty, ownAnnotations } from "../own-metadata.ts";

type RawObject = NonNullable<Spec["objects"]>[number];

/** Every object no field took (nor a Job): a raw object, as the team wrote it, with the reason. */
export function draftRawObjects(d: Drafting, jobs: readonly V1Job[]): void {
  const { name, input, spec, raw, live, mapped } = d;
  const { objects } = input;
  const objectsField: RawObject[] = [];
  const handled = new Set([...live.keys(), ...jobs.map(keyOf), ...raw.map((r) => `${r.kind}/${r.name}`)]);
  for (const o of objects) {
    if (handled.has(keyOf(o)) || o.kind === "Job") continue;
    if (o.kind === "ConfigMap" && input.configMapOwners.get(o.metadata?.name ?? "") !== name) continue;
    if (!((o.kind ?? "") in rawObjectKinds)) continue;
    raw.push({ kind: o.kind ?? "", name: o.metadata?.name ?? "", reason: rawReason(o, name) });
  }
  for (const r of raw) {
    const o = objects.find((x) => x.kind === r.kind && x.metadata?.name === r.name);
    if (!o) continue;
    objectsField.push(asRawObject(o));
    live.set(keyOf(o), o);
    mapped.push({ kind: r.kind, name: r.name, field: `objects[${objectsField.length - 1}]` });
  }
  if (objectsField.length) spec.objects = objectsField;
}

/** A live object as a raw object: what the team wrote, without what the server added. */
export function asRawObject(o: KubernetesObject): RawObject {
  const { metadata, status: _status, ...rest } = o as KubernetesObject & { status?: unknown };
  const body = structuredClone(rest) as Record<string, unknown>;
  delete body.apiVersion;
  delete body.kind;
  const spec = body.spec as Record<string, unknown> | undefined;
  if (o.kind === "Service" && spec) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  if (o.kind === "PersistentVolumeClaim" && spec) delete spec.volumeName;
  const labels = nonEmpty(metadata?.labels ? { ...metadata.labels } : undefined);
  const annotations = nonEmpty(ownAnnotations(metadata?.annotations));
  return {
    apiVersion: rawObjectKinds[o.kind ?? ""] ?? o.apiVersion ?? "",
    kind: o.kind ?? "",
    metadata: {
      name: metadata?.name ?? "",
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    ...body,
  } as RawObject;
}

function rawReason(o: KubernetesObject, service: string): string {
  const name = o.metadata?.name ?? "";
  switch (o.kind) {
    case "StatefulSet":
    case "DaemonSet":
      return `a ${o.kind}: no definition field renders one`;
    case "Deployment":
      return `a second Deployment: the service's own is named ${service}`;
    case "CronJob":
      return `named ${name}, not ${service}-<job> as cronJobs render`;
    case "Service":
    case "Ingress":
    case "HorizontalPodAutoscaler":
    case "PodDisruptionBudget":
      return name === service
        ? `uses settings its definition field cannot give (see the object)`
        : `named ${name}, not ${service} as its definition field renders`;
    case "PersistentVolumeClaim":
      return "a claim made outside volumes (its spec cannot change once bound)";
    case "ServiceAccount":
    case "Role":
    case "RoleBinding":
      return "access the team made by hand: kept as written (serviceAccount renders its own, named after the service)";
    case "NetworkPolicy":
      return "a policy of its own rules (networkPolicy renders one admitting named services)";
    default:
      return "no definition field renders it";
  }
}
