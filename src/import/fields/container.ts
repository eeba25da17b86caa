import type { V1Container, V1EnvVar, V1PodSpec, V1Probe } from "@kubernetes/client-node";
import type { EnvValue } from "../../definitions/schema/pod.ts";
import type { Spec } from "../draft.ts";
import { nonEmpty, ownAnnotations } from "../own-metadata.ts";
import type { podTemplateOf } from "../pod-references.ts";

/** The service's container and pod, from the main workload's pod spec, as a definition gives them. */

type DeploymentSpec = NonNullable<Spec["deployment"]>;
type Container = NonNullable<Spec["container"]>;
type Pod = NonNullable<Spec["pod"]>;

const quantityPattern = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;
const envNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function envValue(e: V1EnvVar): EnvValue | undefined {
  if (e.value !== undefined) return e.value;
  const from = e.valueFrom;
  if (!from) return "";
  const optional = (o: boolean | undefined) => (o !== undefined ? { optional: o } : {});
  if (from.secretKeyRef?.name)
    return {
      secret: from.secretKeyRef.name,
      key: from.secretKeyRef.key,
      ...optional(from.secretKeyRef.optional),
    };
  if (from.configMapKeyRef?.name)
    return {
      configMap: from.configMapKeyRef.name,
      key: from.configMapKeyRef.key,
      ...optional(from.configMapKeyRef.optional),
    };
  if (from.fieldRef) return { field: from.fieldRef.fieldPath };
  if (from.resourceFieldRef) {
    const divisor = from.resourceFieldRef.divisor;
    return {
      resource: from.resourceFieldRef.resource as "limits.memory",
      ...(divisor !== undefined && String(divisor) !== "0" && String(divisor) !== "1"
        ? { divisor: String(divisor) }
        : {}),
    };
  }
  return undefined;
}

/** A container's settings as a definition takes them; what it cannot say, the gaps carry. */
export function containerSettings(
  c: V1Container,
  ownConfigMaps: ReadonlySet<string>,
  spec: V1PodSpec,
): Container {
  const env: Record<string, EnvValue> = {};
  for (const e of c.env ?? []) {
    const v = envValue(e);
    if (v !== undefined && envNamePattern.test(e.name)) env[e.name] = v;
  }
  const resources = quantities(c.resources);
  const mounts = c.volumeMounts ?? [];
  const volume = (name: string) => (spec.volumes ?? []).find((v) => v.name === name);
  const configFiles = mounts.flatMap((m) => {
    const v = volume(m.name);
    return v?.configMap?.name && ownConfigMaps.has(v.configMap.name) && !v.configMap.items && !m.subPath
      ? [{ configMap: v.configMap.name, mountPath: m.mountPath }]
      : [];
  });
  const secretFiles = mounts.flatMap((m) => {
    const v = volume(m.name);
    return v?.secret?.secretName && !v.secret.items && !m.subPath
      ? [{ secret: v.secret.secretName, mountPath: m.mountPath }]
      : [];
  });
  return {
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(resources ? { resources } : {}),
    ...(configFiles.length ? { configFiles } : {}),
    ...(secretFiles.length ? { secretFiles } : {}),
  };
}

function quantities(r: V1Container["resources"]): Container["resources"] {
  const pick = (m: Record<string, unknown> | undefined) => {
    if (!m) return undefined;
    const keys = Object.keys(m);
    if (keys.some((k) => k !== "cpu" && k !== "memory")) return null;
    const out: { cpu?: string; memory?: string } = {};
    for (const k of ["cpu", "memory"] as const)
      if (m[k] !== undefined) {
        if (!quantityPattern.test(String(m[k]))) return null;
        out[k] = String(m[k]);
      }
    return out;
  };
  const requests = pick(r?.requests as Record<string, unknown> | undefined);
  const limits = pick(r?.limits as Record<string, unknown> | undefined);
  if (requests === null || limits === null || (!requests && !limits)) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

export function probe(p: V1Probe | undefined, port: number | undefined): DeploymentSpec["liveness"] {
  if (!p) return undefined;
  const timing = {
    ...(p.initialDelaySeconds ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    ...(p.periodSeconds !== undefined && p.periodSeconds !== 10 ? { periodSeconds: p.periodSeconds } : {}),
    ...(p.failureThreshold !== undefined && p.failureThreshold !== 3
      ? { failureThreshold: p.failureThreshold }
      : {}),
  };
  const numeric = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
  if (p.httpGet?.path?.startsWith("/")) {
    const at = numeric(p.httpGet.port);
    if (at === undefined) return undefined;
    return { http: { path: p.httpGet.path, ...(at !== port ? { port: at } : {}) }, ...timing };
  }
  if (p.tcpSocket) {
    const at = numeric(p.tcpSocket.port);
    if (at === undefined) return undefined;
    return { tcp: at !== port ? { port: at } : {}, ...timing };
  }
  if (p.exec?.command?.length) return { exec: [...p.exec.command], ...timing };
  return undefined;
}

/** What every pod of the service shares, from its main workload's pod spec. */
export function podSettings(template: ReturnType<typeof podTemplateOf>, main: V1Container | undefined): Pod {
  const spec = template?.spec;
  const pod: Pod = {};
  const annotations = nonEmpty(ownAnnotations(template?.metadata?.annotations));
  if (annotations) pod.annotations = annotations;
  if (spec?.serviceAccountName && spec.serviceAccountName !== "default")
    pod.serviceAccountName = spec.serviceAccountName;
  if (nonEmpty(spec?.nodeSelector)) pod.nodeSelector = { ...spec?.nodeSelector };
  if (spec?.tolerations?.length)
    pod.tolerations = spec.tolerations.map((t) => ({ ...t }) as NonNullable<Pod["tolerations"]>[number]);
  if (nonEmpty(spec?.affinity)) pod.affinity = structuredClone(spec?.affinity) as Record<string, unknown>;
  if (nonEmpty(spec?.securityContext))
    pod.securityContext = structuredClone(spec?.securityContext) as Record<string, unknown>;
  if (nonEmpty(main?.securityContext))
    pod.containerSecurityContext = structuredClone(main?.securityContext) as Record<string, unknown>;
  if (spec?.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds !== 30)
    pod.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds;
  return pod;
}
