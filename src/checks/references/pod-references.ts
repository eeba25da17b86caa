import type { KubernetesObject, V1Container, V1PodSpec } from "@kubernetes/client-node";

/** One use of a Secret or ConfigMap by a pod template, as the rendered object spells it. */
export interface PodReference {
  readonly kind: "Secret" | "ConfigMap";
  readonly name: string;
  /** The key the pod reads; absent when it takes the whole object (envFrom, a whole volume). */
  readonly key?: string;
  /** `optional: true`: the pod starts without it, so its absence blocks nothing. */
  readonly optional: boolean;
  /** The object and the place in it: `Deployment/files container files env STORAGE_KEY`. */
  readonly where: string;
}

/** Every pod template an object holds: a Deployment's (or any workload's) and a CronJob's Job's. */
function podTemplates(object: KubernetesObject): V1PodSpec[] {
  const o = object as {
    spec?: {
      template?: { spec?: V1PodSpec };
      jobTemplate?: { spec?: { template?: { spec?: V1PodSpec } } };
    };
  };
  return [o.spec?.template?.spec, o.spec?.jobTemplate?.spec?.template?.spec].filter(
    (s): s is V1PodSpec => s !== undefined,
  );
}

function containerReferences(c: V1Container, where: string): PodReference[] {
  const refs: PodReference[] = [];
  for (const e of c.env ?? []) {
    const secret = e.valueFrom?.secretKeyRef;
    if (secret?.name)
      refs.push({
        kind: "Secret",
        name: secret.name,
        key: secret.key,
        optional: secret.optional === true,
        where: `${where} env ${e.name}`,
      });
    const config = e.valueFrom?.configMapKeyRef;
    if (config?.name)
      refs.push({
        kind: "ConfigMap",
        name: config.name,
        key: config.key,
        optional: config.optional === true,
        where: `${where} env ${e.name}`,
      });
  }
  for (const e of c.envFrom ?? []) {
    if (e.secretRef?.name)
      refs.push({
        kind: "Secret",
        name: e.secretRef.name,
        optional: e.secretRef.optional === true,
        where: `${where} envFrom`,
      });
    if (e.configMapRef?.name)
      refs.push({
        kind: "ConfigMap",
        name: e.configMapRef.name,
        optional: e.configMapRef.optional === true,
        where: `${where} envFrom`,
      });
  }
  return refs;
}

/** A whole object, or only the keys its `items` name. */
function volumeSource(
  kind: PodReference["kind"],
  name: string | undefined,
  source: { items?: { key: string }[]; optional?: boolean },
  where: string,
): PodReference[] {
  if (!name) return [];
  const optional = source.optional === true;
  return source.items?.length
    ? source.items.map((i) => ({ kind, name, key: i.key, optional, where }))
    : [{ kind, name, optional, where }];
}

function podSpecReferences(spec: V1PodSpec, object: string): PodReference[] {
  const containers = [
    ...(spec.initContainers ?? []).map((c) => ({ c, what: "init container" })),
    ...(spec.containers ?? []).map((c) => ({ c, what: "container" })),
  ];
  const refs = containers.flatMap(({ c, what }) => containerReferences(c, `${object} ${what} ${c.name}`));
  for (const v of spec.volumes ?? []) {
    const where = `${object} volume ${v.name}`;
    if (v.secret) refs.push(...volumeSource("Secret", v.secret.secretName, v.secret, where));
    if (v.configMap) refs.push(...volumeSource("ConfigMap", v.configMap.name, v.configMap, where));
    for (const s of v.projected?.sources ?? []) {
      if (s.secret) refs.push(...volumeSource("Secret", s.secret.name, s.secret, where));
      if (s.configMap) refs.push(...volumeSource("ConfigMap", s.configMap.name, s.configMap, where));
    }
  }
  for (const p of spec.imagePullSecrets ?? [])
    if (p.name)
      refs.push({ kind: "Secret", name: p.name, optional: false, where: `${object} imagePullSecrets` });
  return refs;
}

/**
 * The Secrets and ConfigMaps the pods of these objects use, read from the rendered objects
 * themselves rather than from the definition, so a field added to the pod template later (or a
 * patch) is covered without this file knowing about it.
 */
export function podReferences(objects: readonly KubernetesObject[]): PodReference[] {
  return objects.flatMap((o) =>
    podTemplates(o).flatMap((spec) => podSpecReferences(spec, `${o.kind}/${o.metadata?.name}`)),
  );
}
