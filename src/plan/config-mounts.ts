import type { KubernetesObject, V1PodSpec } from "@kubernetes/client-node";

/** The pod spec of a workload object, wherever its kind keeps it. */
function podSpecOf(object: KubernetesObject): V1PodSpec | undefined {
  const spec = (object as { spec?: Record<string, unknown> }).spec;
  if (object.kind === "CronJob")
    return (spec?.jobTemplate as { spec?: { template?: { spec?: V1PodSpec } } } | undefined)?.spec?.template
      ?.spec;
  if (object.kind === "Deployment" || object.kind === "Job" || object.kind === "StatefulSet")
    return (spec?.template as { spec?: V1PodSpec } | undefined)?.spec;
  return undefined;
}

/** Every ConfigMap a pod spec names: volumes, projected sources, env and envFrom of every container. */
export function configMapsNamedBy(pod: V1PodSpec): string[] {
  const names = new Set<string>();
  for (const v of pod.volumes ?? []) {
    if (v.configMap?.name) names.add(v.configMap.name);
    for (const source of v.projected?.sources ?? [])
      if (source.configMap?.name) names.add(source.configMap.name);
  }
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const e of c.env ?? [])
      if (e.valueFrom?.configMapKeyRef?.name) names.add(e.valueFrom.configMapKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.configMapRef?.name) names.add(e.configMapRef.name);
  }
  return [...names];
}

/**
 * ConfigMap name → the services whose workloads mount it, from their objects (live or to be
 * applied): a shared ConfigMap one service stops defining may not be deleted while another
 * service's pods still mount it.
 */
export function configMapMounts(objects: Iterable<KubernetesObject>): Map<string, Set<string>> {
  const mounts = new Map<string, Set<string>>();
  for (const object of objects) {
    const pod = podSpecOf(object);
    const service = object.metadata?.labels?.["app.kubernetes.io/name"];
    if (!pod || !service) continue;
    for (const name of configMapsNamedBy(pod)) mounts.set(name, (mounts.get(name) ?? new Set()).add(service));
  }
  return mounts;
}
