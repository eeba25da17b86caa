import type {
  KubernetesObject,
  V1Container,
  V1CronJob,
  V1Deployment,
  V1EnvVar,
  V1Ingress,
  V1Job,
  V1PodDisruptionBudget,
  V1PodSpec,
  V1Probe,
  V1Service,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { rawObjectKinds } from "../definitions/schema/escape-hatch.ts";
import type { EnvValue } from "../definitions/schema/pod.ts";
import { serviceSchema, type ResolvedService } from "../definitions/schema/service.ts";
import { podReferences, podTemplateOf } from "./pod-references.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type Spec = Mutable<ResolvedService>;
type DeploymentSpec = NonNullable<Spec["deployment"]>;
type Container = NonNullable<Spec["container"]>;
type Pod = Mutable<NonNullable<Spec["pod"]>>;
type RawObject = NonNullable<Spec["objects"]>[number];

/** How one live object went into a definition. */
export interface MappedObject {
  readonly kind: string;
  readonly name: string;
  /** The definition field it became: `deployment`, `cronJobs.nightly`, `objects[0]`. */
  readonly field: string;
}

/** An object kept in the escape hatch as a raw object, and why no field renders it. */
export interface RawKept {
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
}

/** A service definition made from a group of live objects, before its gaps are closed. */
export interface DraftService {
  readonly spec: Spec;
  /** ConfigMap name → its entries, as the definition gives them inline. */
  readonly configMaps: Map<string, Record<string, string>>;
  readonly mapped: MappedObject[];
  readonly raw: RawKept[];
  /** Live objects the definition renders, by `Kind/name`: what its rendered objects must equal. */
  readonly live: Map<string, KubernetesObject>;
  /** What the import could not take as written (an image reference rewritten, a field left out). */
  readonly notes: string[];
  /** The digest its image runs at, when the live reference has one. */
  readonly digest?: string;
}

/** An image reference in parts: `host/path/name`, its tag and its digest. */
export interface ImageParts {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(reference: string): ImageParts {
  const [withoutDigest = "", digest] = reference.split("@");
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const tagged = colon > slash;
  return {
    repository: tagged ? withoutDigest.slice(0, colon) : withoutDigest,
    ...(tagged ? { tag: withoutDigest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The registry the definitions' short image names sit under. */
export interface RegistryChoice {
  readonly host: string;
  readonly repositoryPrefix: string;
}

/** A repository as a definition writes it: short under the registry, else a full reference. */
export function imageField(repository: string, registry: RegistryChoice | undefined): string {
  const base = registry ? `${registry.host}/${registry.repositoryPrefix}/` : undefined;
  if (base && repository.startsWith(base) && !repository.slice(base.length).includes("/"))
    return repository.slice(base.length);
  if (repository.includes("/")) return repository;
  return `docker.io/library/${repository}`;
}

const versionPattern = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/;
const quantityPattern = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;
const envNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Labels a team put on its pods besides the ones Slipway sets itself. */
const ownLabels = (labels: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(labels ?? {}).filter(
      ([k]) =>
        ![
          "app.kubernetes.io/name",
          "app.kubernetes.io/part-of",
          "app.kubernetes.io/version",
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/component",
        ].includes(k) && !k.startsWith("slipway.dev/"),
    ),
  );

/** Annotations the server or kubectl write: never part of a definition. */
const machineAnnotations = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision",
]);
const ownAnnotations = (a: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(a ?? {}).filter(([k]) => !machineAnnotations.has(k) && !k.startsWith("slipway.dev/")),
  );

const nonEmpty = <T extends object>(value: T | undefined): T | undefined =>
  value && Object.keys(value).length ? value : undefined;

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
function containerSettings(c: V1Container, ownConfigMaps: ReadonlySet<string>, spec: V1PodSpec): Container {
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

function probe(p: V1Probe | undefined, port: number | undefined): DeploymentSpec["liveness"] {
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
function podSettings(template: ReturnType<typeof podTemplateOf>, main: V1Container | undefined): Pod {
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

const keyOf = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.name}`;

export interface DraftInput {
  readonly name: string;
  readonly objects: readonly KubernetesObject[];
  readonly registry: RegistryChoice | undefined;
  /** ConfigMap name → the service that owns it (its group), for every ConfigMap imported. */
  readonly configMapOwners: ReadonlyMap<string, string>;
  /** ConfigMaps another service mounts: written shared. */
  readonly sharedConfigMaps: ReadonlySet<string>;
  /** Secrets in the namespace, by name. */
  readonly secretNames: ReadonlySet<string>;
}

/**
 * One service's definition from its live objects: each object a definition field renders
 * becomes that field; the others become raw objects (the escape hatch), each with its reason.
 * Returns undefined with a reason when the objects run nothing a service can be made of.
 */
export function draftService(input: DraftInput): DraftService | { readonly unusable: string } {
  const { name, objects } = input;
  const of = <T extends KubernetesObject>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
  const deployment = of<V1Deployment>("Deployment").find((d) => d.metadata?.name === name);
  const cronJobs = of<V1CronJob>("CronJob").filter(
    (c) =>
      (c.metadata?.name ?? "").startsWith(`${name}-`) &&
      (c.metadata?.name ?? "").length - name.length - 1 <= 30,
  );
  const jobs = of<V1Job>("Job");
  const main = deployment ?? cronJobs[0] ?? jobs[0];
  if (!main)
    return {
      unusable: `runs no Deployment named ${name}, no CronJob named ${name}-<job> and no Job, which a service needs (${objects.map(keyOf).join(", ")})`,
    };
  const mapped: MappedObject[] = [];
  const raw: RawKept[] = [];
  const notes: string[] = [];
  const live = new Map<string, KubernetesObject>();
  const template = podTemplateOf(main);
  const podSpec = template?.spec;
  const containers = podSpec?.containers ?? [];
  const container = containers.find((c) => c.name === name) ?? containers[0];
  const image = parseImage(container?.image ?? "");
  const versionLabel =
    main.metadata?.labels?.["app.kubernetes.io/version"] ??
    template?.metadata?.labels?.["app.kubernetes.io/version"];
  const version = [image.tag, versionLabel].find((v) => v !== undefined && versionPattern.test(v)) ?? "0.0.0";
  if (!image.tag && !versionLabel)
    notes.push(`${keyOf(main)}: image ${container?.image} has no tag; version written as 0.0.0`);
  const imageName = imageField(image.repository, input.registry);
  if (!image.repository.includes("/"))
    notes.push(
      `${keyOf(main)}: image ${container?.image} is written as ${imageName} (the same image, named in full)`,
    );
  if (!image.digest)
    notes.push(
      `${keyOf(main)}: runs ${container?.image} by tag; a deploy pins the registry's digest of ${version}, so the first plan shows that image change (the pods roll once)`,
    );
  const ownConfigMaps = new Set([...input.configMapOwners].map(([cm]) => cm));
  const settings = container && podSpec ? containerSettings(container, ownConfigMaps, podSpec) : {};
  const spec: Spec = { name, version, image: imageName };
  const pod = podSettings(template, container);
  if (Object.keys(pod).length) spec.pod = pod;

  if (deployment) {
    const d = deployment.spec;
    const port = container?.ports?.[0]?.containerPort;
    const liveness = probe(container?.livenessProbe, port);
    const readiness = probe(container?.readinessProbe, port);
    const podLabels = nonEmpty(ownLabels(d?.template.metadata?.labels));
    spec.deployment = {
      ...(d?.replicas !== undefined ? { replicas: d.replicas } : {}),
      minReadySeconds: d?.minReadySeconds ?? 0,
      ...(podLabels ? { podLabels } : {}),
      ...(port !== undefined ? { port } : {}),
      ...settings,
      ...(liveness ? { liveness } : {}),
      ...(readiness ? { readiness } : {}),
    };
    if (containers.length > 1)
      notes.push(
        `Deployment/${name}: ${containers.length} containers; the others than ${container?.name} are kept by a patch`,
      );
    live.set(keyOf(deployment), deployment);
    mapped.push({ kind: "Deployment", name, field: "deployment" });
  } else if (Object.keys(settings).length) spec.container = settings;

  for (const c of cronJobs) {
    const cronName = (c.metadata?.name ?? "").slice(name.length + 1);
    const s = c.spec;
    const job = s?.jobTemplate.spec;
    const cc = job?.template.spec?.containers[0];
    spec.cronJobs = {
      ...spec.cronJobs,
      [cronName]: {
        schedule: s?.schedule ?? "@daily",
        ...(cc?.command ? { command: [...cc.command] } : {}),
        ...(cc?.args ? { args: [...cc.args] } : {}),
        concurrency: (s?.concurrencyPolicy as "Forbid" | "Allow" | "Replace" | undefined) ?? "Allow",
        ...(s?.suspend ? { suspend: true } : {}),
        ...(s?.timeZone ? { timeZone: s.timeZone } : {}),
        ...(s?.startingDeadlineSeconds !== undefined
          ? { startingDeadlineSeconds: s.startingDeadlineSeconds }
          : {}),
        successfulJobsHistoryLimit: s?.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: s?.failedJobsHistoryLimit ?? 1,
        backoffLimit: job?.backoffLimit ?? 6,
        ...(job?.ttlSecondsAfterFinished !== undefined
          ? { ttlSecondsAfterFinished: job.ttlSecondsAfterFinished }
          : {}),
      },
    };
    live.set(keyOf(c), c);
    mapped.push({ kind: "CronJob", name: c.metadata?.name ?? "", field: `cronJobs.${cronName}` });
  }
  for (const j of jobs) {
    const jobName =
      (j.metadata?.name ?? "job")
        .replace(new RegExp(`^${name}-`), "")
        .replace(/-[a-z0-9]{5}$/, "")
        .slice(0, 30)
        .replace(/-+$/, "") || "job";
    const jc = j.spec?.template.spec?.containers[0];
    spec.jobs = {
      ...spec.jobs,
      [jobName]: {
        ...(jc?.command ? { command: [...jc.command] } : {}),
        ...(jc?.args ? { args: [...jc.args] } : {}),
        ...(j.spec?.backoffLimit !== undefined ? { backoffLimit: j.spec.backoffLimit } : {}),
        ...(j.spec?.ttlSecondsAfterFinished !== undefined
          ? { ttlSecondsAfterFinished: j.spec.ttlSecondsAfterFinished }
          : {}),
      },
    };
    mapped.push({
      kind: "Job",
      name: j.metadata?.name ?? "",
      field: `jobs.${jobName} (run on demand: slipway job ${name} ${jobName})`,
    });
  }

  const kubeService = of<V1Service>("Service").find((s) => s.metadata?.name === name);
  const servicePorts = kubeService?.spec?.ports ?? [];
  const numericTargets = servicePorts.every(
    (p) => p.targetPort === undefined || typeof p.targetPort === "number",
  );
  if (
    deployment &&
    kubeService &&
    servicePorts.length &&
    numericTargets &&
    (kubeService.spec?.type ?? "ClusterIP") === "ClusterIP"
  ) {
    const port0 = spec.deployment?.port;
    spec.service =
      servicePorts.length === 1 && servicePorts[0]
        ? {
            port: servicePorts[0].port,
            ...(typeof servicePorts[0].targetPort === "number" && servicePorts[0].targetPort !== port0
              ? { targetPort: servicePorts[0].targetPort }
              : {}),
          }
        : {
            ports: servicePorts.map((p, i) => ({
              name: p.name ?? `port-${i}`,
              port: p.port,
              ...(typeof p.targetPort === "number" ? { targetPort: p.targetPort } : {}),
            })),
          };
    live.set(keyOf(kubeService), kubeService);
    mapped.push({ kind: "Service", name, field: "service" });
  }

  const ingress = of<V1Ingress>("Ingress").find((i) => i.metadata?.name === name);
  const ingressRules = ingress?.spec?.rules ?? [];
  const byPort = new Set(servicePorts.map((p) => p.port));
  const mappable =
    spec.service !== undefined &&
    ingressRules.length > 0 &&
    !ingress?.spec?.defaultBackend &&
    ingressRules.every(
      (r) =>
        r.host &&
        r.http?.paths.every(
          (p) =>
            p.path?.startsWith("/") &&
            p.backend.service?.name === name &&
            p.backend.service.port?.number !== undefined &&
            byPort.has(p.backend.service.port.number),
        ),
    );
  if (ingress && mappable) {
    const tlsOf = (host: string) => ingress.spec?.tls?.find((t) => t.hosts?.includes(host))?.secretName;
    const annotations = nonEmpty(ownAnnotations(ingress.metadata?.annotations));
    spec.ingress = {
      ...(ingress.spec?.ingressClassName ? { className: ingress.spec.ingressClassName } : {}),
      ...(annotations ? { annotations } : {}),
      rules: ingressRules.map((r) => {
        const tls = tlsOf(r.host ?? "");
        return {
          host: r.host ?? "",
          ...(tls ? { tlsSecret: tls } : {}),
          paths: (r.http?.paths ?? []).map((p) => ({
            path: p.path ?? "/",
            pathType: p.pathType as "Prefix" | "Exact" | "ImplementationSpecific",
            port: p.backend.service?.port?.number ?? 80,
          })),
        };
      }),
    };
    live.set(keyOf(ingress), ingress);
    mapped.push({ kind: "Ingress", name, field: "ingress" });
  }

  const hpa = of<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler").find((h) => h.metadata?.name === name);
  const metric = (resource: string) =>
    hpa?.spec?.metrics?.find(
      (m) =>
        m.type === "Resource" && m.resource?.name === resource && m.resource.target.type === "Utilization",
    )?.resource?.target.averageUtilization;
  if (
    hpa &&
    spec.deployment &&
    hpa.spec?.scaleTargetRef.kind === "Deployment" &&
    hpa.spec.scaleTargetRef.name === name &&
    (hpa.spec.metrics ?? []).every(
      (m) =>
        m.type === "Resource" &&
        ["cpu", "memory"].includes(m.resource?.name ?? "") &&
        m.resource?.target.type === "Utilization",
    ) &&
    !hpa.spec.behavior
  ) {
    const cpu = metric("cpu");
    const memory = metric("memory");
    const { replicas: _replicas, ...rest } = spec.deployment;
    spec.deployment = {
      ...rest,
      autoscale: {
        minReplicas: hpa.spec.minReplicas ?? 1,
        maxReplicas: hpa.spec.maxReplicas,
        ...(cpu !== undefined ? { cpu } : {}),
        ...(memory !== undefined ? { memory } : {}),
      },
    };
    live.set(keyOf(hpa), hpa);
    mapped.push({ kind: "HorizontalPodAutoscaler", name, field: "deployment.autoscale" });
  }

  const pdb = of<V1PodDisruptionBudget>("PodDisruptionBudget").find((p) => p.metadata?.name === name);
  if (
    pdb &&
    spec.deployment &&
    (pdb.spec?.minAvailable !== undefined) !== (pdb.spec?.maxUnavailable !== undefined)
  ) {
    const value = (v: number | string | undefined) => v;
    spec.deployment = {
      ...spec.deployment,
      disruptionBudget:
        pdb.spec?.minAvailable !== undefined
          ? { minAvailable: value(pdb.spec.minAvailable) as number | string }
          : { maxUnavailable: value(pdb.spec?.maxUnavailable) as number | string },
    };
    live.set(keyOf(pdb), pdb);
    mapped.push({ kind: "PodDisruptionBudget", name, field: "deployment.disruptionBudget" });
  }

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

  // Secrets: by name only. Every one the pods name is listed, to be provided in each environment.
  const secrets = new Set<string>();
  for (const o of objects) {
    const t = podTemplateOf(o);
    if (t) podReferences(t.spec).secrets.forEach((s) => secrets.add(s));
  }
  for (const i of of<V1Ingress>("Ingress"))
    for (const t of i.spec?.tls ?? []) if (t.secretName) secrets.add(t.secretName);
  if (secrets.size) spec.secrets = [...secrets].sort();

  // Everything else: raw objects, as the team wrote them, with the reason.
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
  return { spec, configMaps, mapped, raw, live, notes, ...(image.digest ? { digest: image.digest } : {}) };
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

/** What the definition schema refuses in a draft: each issue's path and message. */
export function schemaIssues(spec: ResolvedService): { path: PropertyKey[]; message: string }[] {
  const result = serviceSchema.safeParse(spec);
  return result.success ? [] : result.error.issues.map((i) => ({ path: [...i.path], message: i.message }));
}

/** Drops a field the schema refuses (`deployment.resources`), so the gaps carry its live value instead. */
export function dropField(spec: Spec, path: readonly PropertyKey[]): boolean {
  const [top, field] = path;
  if (top === undefined || field === undefined) return false;
  const here = (spec as Record<PropertyKey, unknown>)[top];
  if (here === null || typeof here !== "object") return false;
  return delete (here as Record<PropertyKey, unknown>)[field];
}
