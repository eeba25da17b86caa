import type { KubernetesObject } from "@kubernetes/client-node";
import { managedBy } from "../render/labels.ts";
import { podReferences, podTemplateOf, selects, workloadKinds } from "./pod-references.ts";

/** An object the import leaves out, and why. */
export interface SkippedObject {
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
}

export interface Grouping {
  /** Service name → its objects, services in name order. */
  readonly services: ReadonlyMap<string, readonly KubernetesObject[]>;
  readonly skipped: readonly SkippedObject[];
  /** ConfigMap name → the services whose pods use it (the owner is the service it is grouped in). */
  readonly configMapUsers: ReadonlyMap<string, readonly string[]>;
}

const key = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.name}`;
const labelsOf = (o: KubernetesObject): Record<string, string> => ({ ...o.metadata?.labels });

/** A service name Slipway takes (a DNS label of at most 40 characters), from a label value or a name. */
export function serviceName(value: string): string {
  const name = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return name || "service";
}

/** The name a team's labels give an object: app.kubernetes.io/name, then app. */
function labelledName(labels: Readonly<Record<string, string>> | undefined): string | undefined {
  return labels?.["app.kubernetes.io/name"] ?? labels?.["app"];
}

/**
 * Groups a namespace's objects into services: by the label app.kubernetes.io/name, then `app`;
 * an object without either goes with the workload that owns, selects, targets or uses it.
 * Workloads without labels are a service of their own, named after them.
 */
export function groupObjects(objects: readonly KubernetesObject[]): Grouping {
  const skipped: SkippedObject[] = [];
  const serviceOf = new Map<string, string>();
  const candidates: KubernetesObject[] = [];
  for (const o of objects) {
    const name = o.metadata?.name ?? "";
    const skip = (reason: string): void => void skipped.push({ kind: o.kind ?? "", name, reason });
    const cronOwner = o.metadata?.ownerReferences?.find((r) => r.kind === "CronJob");
    if (o.metadata?.labels?.["app.kubernetes.io/managed-by"] === managedBy)
      skip("already deployed by Slipway (it carries Slipway's labels)");
    else if (o.kind === "Job" && cronOwner)
      skip(`a run of CronJob/${cronOwner.name}: the CronJob is imported`);
    else if (o.kind === "ConfigMap" && name === "kube-root-ca.crt")
      skip("made by Kubernetes in every namespace");
    else if (o.kind === "ServiceAccount" && name === "default") skip("made by Kubernetes in every namespace");
    else if (o.metadata?.ownerReferences?.some((r) => r.controller))
      skip(
        `made and owned by ${o.metadata.ownerReferences
          .filter((r) => r.controller)
          .map((r) => `${r.kind}/${r.name}`)
          .join(", ")}`,
      );
    else candidates.push(o);
  }
  const workloads = candidates.filter((o) => workloadKinds.has(o.kind ?? ""));
  // 1. Labels: the object's own, then (workloads) their pods'.
  for (const o of candidates) {
    const labelled =
      labelledName(labelsOf(o)) ??
      (workloadKinds.has(o.kind ?? "") ? labelledName(podTemplateOf(o)?.metadata?.labels) : undefined);
    if (labelled) serviceOf.set(key(o), serviceName(labelled));
    else if (workloadKinds.has(o.kind ?? "")) serviceOf.set(key(o), serviceName(o.metadata?.name ?? ""));
  }
  const groupOf = (kind: string, name: string | undefined): string | undefined =>
    name ? serviceOf.get(`${kind}/${name}`) : undefined;
  const selectedBy = (selector: Readonly<Record<string, string>> | undefined): string | undefined => {
    const w = workloads.find((w) => selects(selector, podTemplateOf(w)?.metadata?.labels));
    return w ? serviceOf.get(key(w)) : undefined;
  };
  // Who uses what: ConfigMaps, Secrets' neighbours, claims and ServiceAccounts, by service.
  const users = {
    ConfigMap: new Map<string, string[]>(),
    PersistentVolumeClaim: new Map<string, string[]>(),
    ServiceAccount: new Map<string, string[]>(),
  };
  const use = (map: Map<string, string[]>, name: string, service: string | undefined): void => {
    if (!service) return;
    const list = map.get(name) ?? [];
    if (!list.includes(service)) map.set(name, [...list, service].sort());
  };
  for (const w of workloads) {
    const refs = podReferences(podTemplateOf(w)?.spec);
    const service = serviceOf.get(key(w));
    refs.configMaps.forEach((c) => use(users.ConfigMap, c, service));
    refs.claims.forEach((c) => use(users.PersistentVolumeClaim, c, service));
    if (refs.serviceAccount) use(users.ServiceAccount, refs.serviceAccount, service);
    for (const t of (w as { spec?: { volumeClaimTemplates?: { metadata?: { name?: string } }[] } }).spec
      ?.volumeClaimTemplates ?? [])
      if (t.metadata?.name)
        use(users.PersistentVolumeClaim, `${t.metadata.name}-${w.metadata?.name}-0`, service);
  }
  // 2. Without labels: what selects, targets or uses the object decides, in dependency order.
  const resolve = (o: KubernetesObject): string | undefined => {
    const spec = (o as { spec?: Record<string, unknown> }).spec ?? {};
    const name = o.metadata?.name ?? "";
    switch (o.kind) {
      case "Service":
        return selectedBy(spec.selector as Record<string, string> | undefined);
      case "PodDisruptionBudget":
      case "NetworkPolicy": {
        const selector = (o.kind === "NetworkPolicy" ? spec.podSelector : spec.selector) as
          { matchLabels?: Record<string, string> } | undefined;
        return selectedBy(selector?.matchLabels);
      }
      case "HorizontalPodAutoscaler": {
        const target = spec.scaleTargetRef as { kind?: string; name?: string } | undefined;
        return groupOf(target?.kind ?? "", target?.name);
      }
      case "Ingress": {
        const rules = (spec.rules ?? []) as {
          http?: { paths?: { backend?: { service?: { name?: string } } }[] };
        }[];
        const backends = rules.flatMap((r) => r.http?.paths ?? []).map((p) => p.backend?.service?.name);
        return backends.map((b) => groupOf("Service", b)).find((s) => s !== undefined);
      }
      case "ConfigMap":
      case "PersistentVolumeClaim":
      case "ServiceAccount":
        return users[o.kind].get(name)?.[0];
      case "RoleBinding": {
        const subjects = (o as { subjects?: { kind?: string; name?: string }[] }).subjects ?? [];
        return subjects.map((s) => groupOf(s.kind ?? "", s.name)).find((s) => s !== undefined);
      }
      default:
        return undefined;
    }
  };
  const order = [
    "Service",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "HorizontalPodAutoscaler",
    "Ingress",
    "ConfigMap",
    "PersistentVolumeClaim",
    "ServiceAccount",
    "RoleBinding",
    "Role",
  ];
  for (const kind of order)
    for (const o of candidates.filter((c) => c.kind === kind && !serviceOf.has(key(c)))) {
      const found =
        o.kind === "Role"
          ? candidates
              .filter(
                (b) =>
                  b.kind === "RoleBinding" &&
                  (b as { roleRef?: { kind?: string; name?: string } }).roleRef?.name === o.metadata?.name,
              )
              .map((b) => serviceOf.get(key(b)))
              .find((s) => s !== undefined)
          : resolve(o);
      if (found) serviceOf.set(key(o), found);
    }
  const services = new Map<string, KubernetesObject[]>();
  for (const o of candidates) {
    const service = serviceOf.get(key(o));
    if (!service) {
      skipped.push({
        kind: o.kind ?? "",
        name: o.metadata?.name ?? "",
        reason:
          "belongs to no service: no app.kubernetes.io/name or app label, and no workload selects, targets or uses it",
      });
      continue;
    }
    services.set(service, [...(services.get(service) ?? []), o]);
  }
  return {
    services: new Map([...services].sort(([a], [b]) => a.localeCompare(b))),
    skipped,
    configMapUsers: users.ConfigMap,
  };
}
