import type {
  V1Container,
  V1EnvVar,
  V1PodSpec,
  V1Probe,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { EnvValue } from "../definitions/schema/pod.ts";
import type { ResolvedService } from "../definitions/schema/service.ts";
import { containerOf } from "../definitions/container.ts";
import { imageReference } from "./image.ts";
import type { RenderContext } from "./labels.ts";

type Probe = NonNullable<NonNullable<ResolvedService["deployment"]>["liveness"]>;

export interface WorkloadOverrides {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly restartPolicy?: "Always" | "OnFailure" | "Never";
  /** Jobs do not serve: no ports and no probes. */
  readonly serving: boolean;
}

/** How long a serving pod drains before its program gets SIGTERM, unless the definition says. */
export const defaultDrainSeconds = 5;

/** The pod spec every workload of a service shares: image, env, resources, files and volumes. */
export function podSpec(ctx: RenderContext, overrides: WorkloadOverrides): V1PodSpec {
  const d = containerOf(ctx.service.spec);
  // Only a Deployment serves: a jobs-only service has no port and no probes.
  const serving = overrides.serving ? ctx.service.spec.deployment : undefined;
  const mounts: V1VolumeMount[] = [];
  const volumes: V1Volume[] = [];
  d.configFiles?.forEach((m, i) => {
    volumes.push({ name: `config-${i}`, configMap: { name: m.configMap } });
    mounts.push({ name: `config-${i}`, mountPath: m.mountPath, readOnly: true });
  });
  d.secretFiles?.forEach((m, i) => {
    volumes.push({ name: `secret-${i}`, secret: { secretName: m.secret } });
    mounts.push({ name: `secret-${i}`, mountPath: m.mountPath, readOnly: true });
  });
  for (const [name, volume] of Object.entries(ctx.service.spec.volumes ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    volumes.push({
      name: `data-${name}`,
      persistentVolumeClaim: { claimName: `${ctx.service.spec.name}-${name}` },
    });
    mounts.push({ name: `data-${name}`, mountPath: volume.mountPath });
  }
  const pod = ctx.service.spec.pod;
  for (const [name, volume] of sortedEntries(pod?.volumes)) {
    volumes.push(podVolume(name, volume));
    if (volume.mountPath)
      mounts.push({
        name: `pod-${name}`,
        mountPath: volume.mountPath,
        ...(volume.readOnly !== undefined ? { readOnly: volume.readOnly } : {}),
      });
  }
  // A terminating pod is taken out of its Service at once, but each node's routing learns it a
  // moment later: the pod keeps serving meanwhile, so no request reaches a closed port. The
  // sleep action needs no shell in the image.
  const drain = serving && ctx.service.spec.service ? (serving.drainSeconds ?? defaultDrainSeconds) : 0;
  const command = overrides.command ?? d.command;
  const args = overrides.args ?? d.args;
  const container: V1Container = {
    name: ctx.service.spec.name,
    image: imageReference(ctx),
    imagePullPolicy: "IfNotPresent",
    ...(command ? { command: [...command] } : {}),
    ...(args ? { args: [...args] } : {}),
    ...(serving?.port !== undefined
      ? { ports: [{ name: "http", containerPort: serving.port, protocol: "TCP" }] }
      : {}),
    env: envVars(ctx),
    ...(d.resources ? { resources: d.resources } : {}),
    ...(serving?.liveness ? { livenessProbe: probe(serving.liveness, serving.port) } : {}),
    ...(serving?.readiness ? { readinessProbe: probe(serving.readiness, serving.port) } : {}),
    ...(drain > 0 ? { lifecycle: { preStop: { sleep: { seconds: drain } } } } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    ...(pod?.containerSecurityContext ? { securityContext: { ...pod.containerSecurityContext } } : {}),
  };
  const pullSecret = ctx.env.registry.pullSecret;
  // The environment says where its pods run; a service's own settings come on top.
  const placement = ctx.env.defaults?.pod;
  const nodeSelector = { ...placement?.nodeSelector, ...pod?.nodeSelector };
  const tolerations = [...(placement?.tolerations ?? []), ...(pod?.tolerations ?? [])].map((t) => ({ ...t }));
  const serviceAccountName = ctx.service.spec.serviceAccount
    ? ctx.service.spec.name
    : pod?.serviceAccountName;
  // Sidecars are native ones (init containers that keep running): they start first and do not
  // keep a Job's pod alive after its container ends, since this pod spec is also the Jobs'.
  const initContainers = [
    ...sortedEntries(pod?.initContainers).map(([name, c]) => extraContainer(ctx, name, c)),
    ...sortedEntries(pod?.sidecars).map(([name, c]) => ({
      ...extraContainer(ctx, name, c),
      restartPolicy: "Always",
    })),
  ];
  return {
    ...(serviceAccountName ? { serviceAccountName } : {}),
    ...(pullSecret ? { imagePullSecrets: [{ name: pullSecret }] } : {}),
    ...(overrides.restartPolicy ? { restartPolicy: overrides.restartPolicy } : {}),
    ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
    ...(tolerations.length ? { tolerations } : {}),
    ...(pod?.affinity ? { affinity: { ...pod.affinity } } : {}),
    ...(pod?.securityContext ? { securityContext: { ...pod.securityContext } } : {}),
    ...(pod?.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds }
      : {}),
    ...(initContainers.length ? { initContainers } : {}),
    containers: [container],
    ...(volumes.length ? { volumes } : {}),
  };
}

type PodSettings = NonNullable<ResolvedService["pod"]>;
type ExtraContainer = NonNullable<PodSettings["initContainers"]>[string];

const sortedEntries = <T>(record: Readonly<Record<string, T>> | undefined): [string, T][] =>
  Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b));

function podVolume(name: string, volume: NonNullable<PodSettings["volumes"]>[string]): V1Volume {
  if (volume.projected)
    return {
      name: `pod-${name}`,
      projected: {
        sources: [
          ...(volume.projected.secrets ?? []).map((secret) => ({ secret: { name: secret } })),
          ...(volume.projected.configMaps ?? []).map((configMap) => ({ configMap: { name: configMap } })),
        ],
      },
    };
  return { name: `pod-${name}`, emptyDir: { ...volume.emptyDir } };
}

/** An init container or sidecar: the service's image unless it names another, its own env. */
function extraContainer(ctx: RenderContext, name: string, c: ExtraContainer): V1Container {
  return {
    name,
    image: c.image ?? imageReference(ctx),
    imagePullPolicy: "IfNotPresent",
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(c.ports ? { ports: c.ports.map((p) => ({ ...p, protocol: "TCP" })) } : {}),
    ...(c.env
      ? {
          env: Object.entries(c.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([n, v]) => envVar(n, v)),
        }
      : {}),
    ...(c.resources ? { resources: c.resources } : {}),
    ...(c.mounts
      ? {
          volumeMounts: c.mounts.map((m) => ({
            name: `pod-${m.volume}`,
            mountPath: m.mountPath,
            ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}),
          })),
        }
      : {}),
    ...(c.securityContext ? { securityContext: { ...c.securityContext } } : {}),
  };
}

function envVars(ctx: RenderContext): V1EnvVar[] {
  const d = containerOf(ctx.service.spec);
  const vars: V1EnvVar[] = Object.entries(d.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => envVar(name, value));
  if (d.database) {
    const db = ctx.env.databases?.[d.database];
    if (db)
      vars.push({
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: db.secret, key: db.key ?? "url" } },
      });
  }
  return vars;
}

function envVar(name: string, value: EnvValue): V1EnvVar {
  if (typeof value === "string") return { name, value };
  const optional = "optional" in value && value.optional !== undefined ? { optional: value.optional } : {};
  if ("secret" in value)
    return { name, valueFrom: { secretKeyRef: { name: value.secret, key: value.key, ...optional } } };
  if ("configMap" in value)
    return { name, valueFrom: { configMapKeyRef: { name: value.configMap, key: value.key, ...optional } } };
  if ("field" in value) return { name, valueFrom: { fieldRef: { fieldPath: value.field } } };
  return {
    name,
    valueFrom: {
      resourceFieldRef: { resource: value.resource, ...(value.divisor ? { divisor: value.divisor } : {}) },
    },
  };
}

function probe(p: Probe, defaultPort: number | undefined): V1Probe {
  const timing = {
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    ...(p.periodSeconds !== undefined ? { periodSeconds: p.periodSeconds } : {}),
    ...(p.failureThreshold !== undefined ? { failureThreshold: p.failureThreshold } : {}),
  };
  if (p.http) return { httpGet: { path: p.http.path, port: p.http.port ?? defaultPort ?? 80 }, ...timing };
  if (p.tcp) return { tcpSocket: { port: p.tcp.port ?? defaultPort ?? 80 }, ...timing };
  return { exec: { command: [...(p.exec ?? [])] }, ...timing };
}
