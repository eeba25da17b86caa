import type { KubernetesObject, V1Container, V1PodSpec, V1PodTemplateSpec } from "@kubernetes/client-node";

export const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"]);

/** The pod template of a workload (a CronJob's is in its Job template). */
export function podTemplateOf(o: KubernetesObject): V1PodTemplateSpec | undefined {
  const spec = (o as { spec?: Record<string, unknown> }).spec;
  if (!spec) return undefined;
  if (o.kind === "CronJob")
    return (spec.jobTemplate as { spec?: { template?: V1PodTemplateSpec } } | undefined)?.spec?.template;
  return workloadKinds.has(o.kind ?? "") ? (spec.template as V1PodTemplateSpec | undefined) : undefined;
}

/** What a pod spec names in its namespace: ConfigMaps, Secrets, claims, its ServiceAccount. */
export interface PodReferences {
  readonly configMaps: Set<string>;
  readonly secrets: Set<string>;
  readonly claims: Set<string>;
  readonly serviceAccount?: string;
}

const allContainers = (spec: V1PodSpec): V1Container[] => [
  ...(spec.initContainers ?? []),
  ...spec.containers,
];

export function podReferences(spec: V1PodSpec | undefined): PodReferences {
  const refs: PodReferences = { configMaps: new Set(), secrets: new Set(), claims: new Set() };
  if (!spec) return refs;
  for (const v of spec.volumes ?? []) {
    if (v.configMap?.name) refs.configMaps.add(v.configMap.name);
    if (v.secret?.secretName) refs.secrets.add(v.secret.secretName);
    if (v.persistentVolumeClaim?.claimName) refs.claims.add(v.persistentVolumeClaim.claimName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) refs.configMaps.add(s.configMap.name);
      if (s.secret?.name) refs.secrets.add(s.secret.name);
    }
  }
  for (const c of allContainers(spec)) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) refs.configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) refs.secrets.add(e.valueFrom.secretKeyRef.name);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef?.name) refs.configMaps.add(e.configMapRef.name);
      if (e.secretRef?.name) refs.secrets.add(e.secretRef.name);
    }
  }
  for (const p of spec.imagePullSecrets ?? []) if (p.name) refs.secrets.add(p.name);
  const account = spec.serviceAccountName;
  return account && account !== "default" ? { ...refs, serviceAccount: account } : refs;
}

/** Whether a label selector (matchLabels, or a Service's plain map) selects these labels. */
export function selects(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}
