import { z } from "zod";
import { scheduleProblem, timeZoneProblem } from "./cron-schedule.ts";
import { jsonObject } from "./json-value.ts";
import { windowTimesIssues } from "./deploy-window.ts";
import { notificationsSchema } from "./notifications.ts";
import { signaturesSchema } from "./signatures.ts";

/**
 * The shape of a service and an environment once every per-environment value is
 * resolved. Strict: an unknown key is an error, never silently ignored.
 */

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name that must be a DNS-1123 label (Services, namespaces, ...). */
export const labelName = (max = 63) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(dns1123Label, {
      message:
        "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    });

export const subdomainName = z.string().max(253).regex(dns1123Subdomain, {
  message: "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
});

/** A ConfigMap key, which is also the file name it is mounted as. */
const configKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, {
  message: "must be a ConfigMap key: letters, digits, '-', '_' and '.'",
});

const envVarName = z
  .string()
  .regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, { message: "must be a valid environment variable name" });
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, {
  message: 'must be a Kubernetes quantity such as "250m", "512Mi" or "2"',
});
const port = z.number().int().min(1).max(65535);

/** `optional: true`: the pod starts without it (the plan's references check does not require it). */
const secretKeyRef = z.strictObject({
  secret: subdomainName.meta({
    description: "a Secret's key (listed in `secrets`)",
    example: 'STORAGE_KEY: { secret: "files-storage", key: "access-key" }',
  }),
  key: z
    .string()
    .min(1)
    .meta({ description: "the key of that Secret or ConfigMap", example: 'key: "access-key"' }),
  optional: z.boolean().optional().meta({
    description: "the pod starts without it (and the references check does not require it)",
    example: "optional: true",
  }),
});
const configMapKeyRef = z.strictObject({
  configMap: subdomainName.meta({
    description: "a ConfigMap's key",
    example: 'QUOTA: { configMap: "accounting-config", key: "quota" }',
  }),
  key: z
    .string()
    .min(1)
    .meta({ description: "the key of that Secret or ConfigMap", example: 'key: "access-key"' }),
  optional: z.boolean().optional().meta({
    description: "the pod starts without it (and the references check does not require it)",
    example: "optional: true",
  }),
});
/** A field of the pod itself (the Downward API), such as its IP. */
const fieldRef = z.strictObject({
  field: z
    .string()
    .regex(
      /^(metadata\.(name|namespace|uid)|metadata\.(labels|annotations)\['[^']+'\]|spec\.(nodeName|serviceAccountName)|status\.(hostIP|hostIPs|podIP|podIPs))$/,
      {
        message: 'must be a pod field such as "status.podIP", "metadata.name" or "metadata.labels[\'team\']"',
      },
    )
    .meta({
      description: "a field of the pod (the Downward API)",
      example: 'POD_IP: { field: "status.podIP" }',
    }),
});
/** A container's own request or limit, such as the memory limit a JVM sizes its heap from. */
const resourceFieldRef = z.strictObject({
  resource: z
    .enum([
      "requests.cpu",
      "requests.memory",
      "requests.ephemeral-storage",
      "limits.cpu",
      "limits.memory",
      "limits.ephemeral-storage",
    ])
    .meta({
      description: "the container's own request or limit",
      example: 'HEAP: { resource: "limits.memory", divisor: "1Mi" }',
    }),
  divisor: quantity
    .optional()
    .meta({ description: "the unit that value is given in", example: 'divisor: "1Mi"' }),
});
export const envValue = z.union([z.string(), secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef]);

const resources = z.strictObject({
  requests: z
    .strictObject({
      cpu: quantity.optional().meta({ description: "CPU, in cores or millicores", example: 'cpu: "250m"' }),
      memory: quantity.optional().meta({ description: "memory", example: 'memory: "128Mi"' }),
    })
    .optional()
    .meta({
      description: "what the scheduler reserves (`cpu`, `memory`)",
      example: 'requests: { cpu: "100m", memory: "128Mi" }',
    }),
  limits: z
    .strictObject({
      cpu: quantity.optional().meta({ description: "CPU, in cores or millicores", example: 'cpu: "1"' }),
      memory: quantity.optional().meta({ description: "memory", example: 'memory: "256Mi"' }),
    })
    .optional()
    .meta({
      description: "the most the container may use (`cpu`, `memory`, as in `requests`)",
      example: 'limits: { memory: "256Mi" }',
    }),
});

const probe = z.strictObject({
  http: z
    .strictObject({
      path: z.string().startsWith("/").meta({ description: "the path", example: 'path: "/healthz"' }),
      port: port
        .optional()
        .meta({ description: "the port", default: "the container's", example: "port: 9000" }),
    })
    .optional()
    .meta({ description: "an HTTP GET (`path`, `port`)", example: 'http: { path: "/healthz", port: 9000 }' }),
  tcp: z
    .strictObject({
      port: port
        .optional()
        .meta({ description: "the port", default: "the container's", example: "port: 5432" }),
    })
    .optional()
    .meta({ description: "a TCP connect", example: "tcp: { port: 5432 }" }),
  exec: z
    .array(z.string())
    .min(1)
    .optional()
    .meta({ description: "a command in the container", example: 'exec: ["pg_isready"]' }),
  initialDelaySeconds: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "seconds before the first probe", example: "initialDelaySeconds: 10" }),
  periodSeconds: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: "seconds between probes", example: "periodSeconds: 5" }),
  failureThreshold: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: "failures before it counts", example: "failureThreshold: 3" }),
});

const mountPath = z.string().startsWith("/", { message: "must be an absolute path" });

export const workloadSettings = {
  command: z.array(z.string()).optional().meta({
    description: "the container's command",
    default: "the image's entrypoint",
    example: 'command: ["node", "handler.js"]',
  }),
  args: z.array(z.string()).optional().meta({ description: "its arguments", example: 'args: ["--serve"]' }),
  env: z.record(envVarName, envValue).optional().meta({
    description: "environment variables: a string, or a reference (the fields below)",
    example: 'env: { AUTH_URL: "http://auth" }',
  }),
  /** Names a database of the environment: its connection URL is injected as DATABASE_URL. */
  database: labelName().optional().meta({
    description: "a database of the environment: its URL is injected as `DATABASE_URL`",
    example: 'database: "files"',
  }),
  resources: resources.optional().meta({
    description: "requests and limits",
    example: 'resources: { requests: { cpu: "100m" }, limits: { memory: "256Mi" } }',
  }),
};

/** The service's own container, in every workload it runs: its Deployment's, CronJobs', Jobs'. */
const containerSettings = {
  ...workloadSettings,
  configFiles: z
    .array(
      z.strictObject({
        configMap: subdomainName.meta({
          description: "the ConfigMap",
          example: 'configMap: "token-validation"',
        }),
        mountPath: mountPath.meta({
          description: "the folder, absolute",
          example: 'mountPath: "/etc/token-validation"',
        }),
      }),
    )
    .optional()
    .meta({
      description: "ConfigMaps mounted as files (the service's own, or another's shared one)",
      example: 'configFiles: [{ configMap: "files-config", mountPath: "/etc/files" }]',
    }),
  secretFiles: z
    .array(
      z.strictObject({
        secret: subdomainName.meta({ description: "the Secret", example: 'secret: "tls"' }),
        mountPath: mountPath.meta({ description: "the folder, absolute", example: 'mountPath: "/etc/tls"' }),
      }),
    )
    .optional()
    .meta({
      description: "Secrets mounted as files (listed in `secrets`)",
      example: 'secretFiles: [{ secret: "tls", mountPath: "/etc/tls" }]',
    }),
};

const labelValue = z
  .string()
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, {
    message: "must be a label value: at most 63 letters, digits, '-', '_' or '.'",
  })
  .max(63);
const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    { message: "must be a label key such as team or example.com/tier" },
  );

const intOrPercent = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d+%$/, { message: 'must be a number or a percentage such as "25%"' }),
]);

const deployment = z.strictObject({
  replicas: z.number().int().min(0).optional().meta({
    description: "its replicas (not applied with `autoscale`)",
    default: "the environment's `defaults.replicas`, else 1",
    example: 'replicas: (env) => (env.name === "prod" ? 3 : 1)',
  }),
  /** Seconds a new pod must stay ready before it counts as available: catches a crash right after start. */
  minReadySeconds: z.number().int().min(0).optional().meta({
    description: "seconds a new pod must stay ready before it counts: catches a crash right after start",
    example: "minReadySeconds: 10",
  }),
  /** Extra labels on the pods (not on the selector): for policies, monitoring, fault injection. */
  podLabels: z.record(labelKey, labelValue).optional().meta({
    description: "extra labels on the pods (not on the selector)",
    example: 'podLabels: { team: "storage" }',
  }),
  port: port
    .optional()
    .meta({ description: "the container port, and the Service's target", example: "port: 8080" }),
  ...containerSettings,
  liveness: probe.optional().meta({
    description: "the liveness probe: one of `http`, `tcp` or `exec`, and its timing",
    example: 'liveness: { http: { path: "/healthz" } }',
  }),
  readiness: probe.optional().meta({
    description: "the readiness probe",
    example: 'readiness: { http: { path: "/ready" }, periodSeconds: 5 }',
  }),
  /**
   * Seconds a terminating pod keeps serving (a preStop sleep) while its endpoint leaves every
   * node's Service routing; default 5 for a service with a Service, 0 turns it off.
   */
  drainSeconds: z.number().int().min(0).max(300).optional().meta({
    description:
      "seconds a terminating pod keeps serving (preStop sleep) while its endpoint leaves the Services; 0: off",
    default: "5 with a Service, else 0",
    example: "drainSeconds: 10",
  }),
  /** A PodDisruptionBudget: how many pods a node drain may take down at once. */
  disruptionBudget: z
    .strictObject({
      minAvailable: intOrPercent
        .optional()
        .meta({ description: "pods a drain must leave running", example: 'minAvailable: "50%"' }),
      maxUnavailable: intOrPercent
        .optional()
        .meta({ description: "pods a drain may take down at once", example: "maxUnavailable: 1" }),
    })
    .optional()
    .meta({
      description: "a PodDisruptionBudget: `minAvailable` or `maxUnavailable`, a number or a percentage",
      example: "disruptionBudget: { maxUnavailable: 1 }",
    }),
  /** A HorizontalPodAutoscaler, which then owns the replica count: `replicas` is not applied. */
  autoscale: z
    .strictObject({
      minReplicas: z.number().int().min(1).meta({ description: "its least", example: "minReplicas: 2" }),
      maxReplicas: z.number().int().min(1).meta({ description: "its most", example: "maxReplicas: 6" }),
      /** Target average utilisation, in percent of the requests. */
      cpu: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .meta({ description: "target average CPU, in percent of the requests", example: "cpu: 75" }),
      memory: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .meta({ description: "target average memory, in percent of the requests", example: "memory: 80" }),
    })
    .optional()
    .meta({
      description: "a HorizontalPodAutoscaler, which then owns the replica count",
      example: "autoscale: { minReplicas: 2, maxReplicas: 6, cpu: 75 }",
    }),
});

/** A volume of the pod beyond config, Secret files and claims; containers mount it by name. */
const podVolume = z.strictObject({
  emptyDir: z
    .strictObject({
      medium: z.enum(["", "Memory"]).optional().meta({
        description: '`""` (disk) or `Memory` (tmpfs)',
        default: '`""`',
        example: 'medium: "Memory"',
      }),
      sizeLimit: quantity.optional().meta({ description: "its most", example: 'sizeLimit: "1Gi"' }),
    })
    .optional()
    .meta({ description: "a scratch folder", example: 'emptyDir: { sizeLimit: "1Gi" }' }),
  /** Several Secrets' (and ConfigMaps') files in one folder. */
  projected: z
    .strictObject({
      secrets: z
        .array(subdomainName)
        .optional()
        .meta({ description: "the Secrets", example: 'secrets: ["tls", "ca"]' }),
      configMaps: z.array(subdomainName).optional().meta({
        description:
          "the ConfigMaps: the service's, a shared one, or one made outside Slipway (`kube-root-ca.crt`), which the plan checks is there",
        example: 'configMaps: ["ca-bundle"]',
      }),
    })
    .optional()
    .meta({
      description: "several Secrets' and ConfigMaps' files in one folder",
      example: 'projected: { secrets: ["tls", "ca"], configMaps: ["ca-bundle"] }',
    }),
  /** Where the service's own container mounts it; other containers say so in their `mounts`. */
  mountPath: mountPath
    .optional()
    .meta({ description: "where the service's container mounts it", example: 'mountPath: "/etc/certs"' }),
  readOnly: z.boolean().optional().meta({ description: "read-only there", example: "readOnly: true" }),
});

const volumeMount = z.strictObject({
  volume: labelName(30).meta({
    description: "the volume's name in `pod.volumes`",
    example: 'volume: "logs"',
  }),
  mountPath: mountPath.meta({ description: "where", example: 'mountPath: "/logs"' }),
  readOnly: z.boolean().optional().meta({ description: "read-only", example: "readOnly: true" }),
});

/** Written as the API server takes it; the server-side dry run in `plan` checks it field by field. */
const passThrough = z.record(z.string(), z.unknown());

/** An init container or a sidecar: the service's image unless it names another. */
const extraContainer = z.strictObject({
  image: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "its image", default: "the service's", example: 'image: "busybox:1.36"' }),
  command: z.array(z.string()).optional().meta({
    description: "its command",
    example: 'command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"]',
  }),
  args: z.array(z.string()).optional().meta({ description: "its arguments", example: 'args: ["--once"]' }),
  env: z.record(envVarName, envValue).optional().meta({
    description: "its environment",
    example: 'env: { POD_IP: { field: "status.podIP" } }',
  }),
  resources: resources.optional().meta({
    description: "its requests and limits",
    example: 'resources: { requests: { cpu: "10m" } }',
  }),
  ports: z
    .array(
      z.strictObject({
        name: labelName(15).meta({ description: "the port's name", example: 'name: "metrics"' }),
        containerPort: port.meta({ description: "its number", example: "containerPort: 9100" }),
      }),
    )
    .optional()
    .meta({
      description: "ports it listens on",
      example: 'ports: [{ name: "metrics", containerPort: 9100 }]',
    }),
  mounts: z.array(volumeMount).optional().meta({
    description: "`pod.volumes` it mounts",
    example: 'mounts: [{ volume: "logs", mountPath: "/logs", readOnly: true }]',
  }),
  securityContext: passThrough.optional().meta({
    description: "its security context, as Kubernetes takes it",
    example: "securityContext: { runAsUser: 1000 }",
  }),
});

const toleration = z.strictObject({
  key: z.string().optional().meta({ description: "the taint's key", example: 'key: "dedicated"' }),
  operator: z
    .enum(["Exists", "Equal"])
    .optional()
    .meta({ description: "`Equal` or `Exists`", example: 'operator: "Exists"' }),
  value: z.string().optional().meta({ description: "the taint's value", example: 'value: "batch"' }),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"])
    .optional()
    .meta({ description: "`NoSchedule`, `PreferNoSchedule` or `NoExecute`", example: 'effect: "NoExecute"' }),
  tolerationSeconds: z
    .number()
    .int()
    .optional()
    .meta({ description: "how long a `NoExecute` taint is tolerated", example: "tolerationSeconds: 300" }),
});

/** Settings of every pod the service runs: its Deployment's, its CronJobs' and its Jobs'. */
const pod = z.strictObject({
  annotations: z.record(labelKey, z.string()).optional().meta({
    description: "annotations on the pods",
    example: 'annotations: { "prometheus.io/scrape": "true" }',
  }),
  /** An existing ServiceAccount (Slipway renders none); exclusive with `serviceAccount`. */
  serviceAccountName: subdomainName.optional().meta({
    description: "an existing ServiceAccount (instead of `serviceAccount`)",
    example: 'serviceAccountName: "shared-reader"',
  }),
  nodeSelector: z
    .record(labelKey, labelValue)
    .optional()
    .meta({ description: "node labels the pods need", example: 'nodeSelector: { disk: "ssd" }' }),
  tolerations: z.array(toleration).optional().meta({
    description: "taints the pods tolerate",
    example: 'tolerations: [{ key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" }]',
  }),
  affinity: passThrough.optional().meta({
    description: "affinity, as Kubernetes takes it (the dry run checks it)",
    example: "affinity: { podAntiAffinity: { /* ... */ } }",
  }),
  securityContext: passThrough.optional().meta({
    description: "the pod's security context, as Kubernetes takes it",
    example: "securityContext: { runAsNonRoot: true, fsGroup: 10001 }",
  }),
  /** The service's own container's securityContext. */
  containerSecurityContext: passThrough.optional().meta({
    description: "the service's container's security context",
    example: "containerSecurityContext: { readOnlyRootFilesystem: true }",
  }),
  terminationGracePeriodSeconds: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "seconds a stopping pod gets", example: "terminationGracePeriodSeconds: 45" }),
  /** Run to completion, in name order, before the containers start. */
  initContainers: z.record(labelName(40), extraContainer).optional().meta({
    description: "run to completion, in name order, before the containers start",
    example: 'initContainers: { "wait-for-db": { image: "busybox:1.36", command: ["sh", "-c", "..."] } }',
  }),
  /** Run beside the service's container for the pod's life (native sidecars: a Job still ends). */
  sidecars: z.record(labelName(40), extraContainer).optional().meta({
    description: "native sidecars for the pod's life",
    example: 'sidecars: { "log-shipper": { image: "fluent/fluent-bit:3.0" } }',
  }),
  volumes: z.record(labelName(30), podVolume).optional().meta({
    description: "volumes beyond config, Secret files and claims",
    example: 'volumes: { logs: { emptyDir: {}, mountPath: "/var/log/app" } }',
  }),
});

/** A check written as a function of the value, which says what is wrong with it. */
const refuse =
  (problem: (value: string) => string | undefined) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message });
  };

const cronJob = z.strictObject({
  /** Five cron fields or a macro, as the API server takes them (cron-schedule.ts). */
  schedule: z.string().superRefine(refuse(scheduleProblem)).meta({
    description: "five cron fields or `@daily` and the like, as the API server takes them",
    example: 'schedule: "*/15 * * * *"',
  }),
  args: z
    .array(z.string())
    .optional()
    .meta({ description: "the container's arguments", example: 'args: ["--run-script", "expire-shares"]' }),
  command: z
    .array(z.string())
    .optional()
    .meta({ description: "its command", example: 'command: ["node", "sweep.js"]' }),
  concurrency: z.enum(["Forbid", "Allow", "Replace"]).optional().meta({
    description: "`Forbid`, `Allow` or `Replace`",
    default: "`Forbid`",
    example: 'concurrency: "Replace"',
  }),
  suspend: z
    .boolean()
    .optional()
    .meta({ description: "rendered but not scheduled", example: "suspend: true" }),
  /** An IANA time zone for the schedule, such as "Europe/Oslo"; the controller's (UTC) by default. */
  timeZone: z.string().superRefine(refuse(timeZoneProblem)).optional().meta({
    description: "an IANA time zone for the schedule",
    default: "UTC",
    example: 'timeZone: "Europe/Oslo"',
  }),
  /** Seconds after a missed start within which it still starts. */
  startingDeadlineSeconds: z.number().int().min(0).optional().meta({
    description: "seconds after a missed start within which it still starts",
    example: "startingDeadlineSeconds: 600",
  }),
  successfulJobsHistoryLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "finished Jobs kept", example: "successfulJobsHistoryLimit: 1" }),
  failedJobsHistoryLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "failed Jobs kept", example: "failedJobsHistoryLimit: 5" }),
  backoffLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "retries of a run", example: "backoffLimit: 3" }),
  ttlSecondsAfterFinished: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "seconds a finished Job stays", example: "ttlSecondsAfterFinished: 3600" }),
});

const adHocJob = z.strictObject({
  args: z
    .array(z.string())
    .optional()
    .meta({ description: "the container's arguments", example: 'args: ["reindex", "--all"]' }),
  command: z
    .array(z.string())
    .optional()
    .meta({ description: "its command", example: 'command: ["node", "reindex.js"]' }),
  backoffLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "retries", example: "backoffLimit: 2" }),
  /** Seconds a finished Job stays before Kubernetes deletes it. Default a day. */
  ttlSecondsAfterFinished: z.number().int().min(0).optional().meta({
    description: "seconds the finished Job stays",
    default: "a day",
    example: "ttlSecondsAfterFinished: 600",
  }),
});

/** A Job run after the rollout against the new version (smoke or contract tests): it must succeed. */
const verifyJob = z.strictObject({
  args: z
    .array(z.string())
    .optional()
    .meta({ description: "the container's arguments", example: 'args: ["--run-script", "smoke-test"]' }),
  command: z
    .array(z.string())
    .optional()
    .meta({ description: "its command", example: 'command: ["node", "smoke.js"]' }),
  /** Retries before the verification counts as failed. Default 0. */
  backoffLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "retries before it counts as failed", default: "0", example: "backoffLimit: 1" }),
  /** Extra labels on the Job's pod. */
  podLabels: z.record(labelKey, labelValue).optional().meta({
    description: "extra labels on its pod",
    example: 'podLabels: { "chaos.example.org/exclude": "true" }',
  }),
});

const configMap = z.strictObject({
  /** File name in the ConfigMap → path of a file, relative to the service definition. */
  files: z.record(configKey, z.string()).optional().meta({
    description: "entries from files, relative to the definition",
    example: 'files: { "files.yaml": "./config/files.yaml" }',
  }),
  /** Inline entries. */
  data: z
    .record(configKey, z.string())
    .optional()
    .meta({ description: "inline entries", example: 'data: { MODE: "fast" }' }),
  /** Other services of the environment may mount it by name; this service owns it. */
  shared: z
    .boolean()
    .optional()
    .meta({ description: "other services may mount it by name; this one owns it", example: "shared: true" }),
});

const policyRule = z.strictObject({
  apiGroups: z
    .array(z.string())
    .meta({ description: 'API groups (`""` the core one)', example: 'apiGroups: [""]' }),
  resources: z
    .array(z.string())
    .min(1)
    .meta({ description: "resources", example: 'resources: ["configmaps"]' }),
  verbs: z
    .array(z.enum(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]))
    .min(1)
    .meta({ description: "verbs", example: 'verbs: ["get", "list"]' }),
  resourceNames: z
    .array(z.string())
    .optional()
    .meta({ description: "only these objects", example: 'resourceNames: ["files-config"]' }),
});

const migrations = z
  .strictObject({
    /** Folder of Flyway-named SQL files (V1__init.sql, R__views.sql), relative to the definition. */
    path: z.string().optional().meta({
      description: "the folder of Flyway-named SQL files, relative to the definition (or `image`)",
      example: 'path: "./migrations"',
    }),
    /**
     * Or: the absolute folder inside the service's own image where they ship (mode "job"). Read
     * from the image's layers through the registry once the plan has resolved its digest.
     */
    image: z.string().optional().meta({
      description: 'or, with `mode: "job"`: the absolute folder in the service\'s image where they ship',
      example: 'image: "/migrations"',
    }),
    database: labelName().meta({
      description: "the environment's database they run on (with `image` too: the dynamic proof reads it)",
      example: 'database: "files"',
    }),
    /** direct: Slipway applies the files; job: a Job from the new image runs the service's own command. */
    mode: z.enum(["direct", "job"]).optional().meta({
      description: "`direct` (Slipway applies them) or `job` (a Job from the new image runs them)",
      default: "`direct`",
      example: 'mode: "job"',
    }),
    job: z
      .strictObject({
        args: z
          .array(z.string())
          .optional()
          .meta({ description: "its arguments", example: 'args: ["--run-script", "migrate-db"]' }),
        command: z
          .array(z.string())
          .optional()
          .meta({ description: "its command", example: 'command: ["flyway", "migrate"]' }),
      })
      .optional()
      .meta({
        description: "that Job's container (`command`, `args`)",
        example: 'job: { args: ["--run-script", "migrate-db"] }',
      }),
    /** A file of the statements this version runs (";"-separated), proven beside the live ones. */
    queries: z.string().optional().meta({
      description: "a file of the statements this version runs, proven beside the live ones",
      example: 'queries: "./queries.sql"',
    }),
    /** The database role the service connects as: only its statements in pg_stat_statements count. */
    role: z.string().optional().meta({
      description: "the database role the service connects as: only its live statements count",
      example: 'role: "mail"',
    }),
  })
  .superRefine((m, ctx) => {
    if (m.path === undefined && m.image === undefined)
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          'needs path (a folder beside the definition) or image (a folder inside the service\'s image, with mode "job")',
      });
    if (m.path !== undefined && m.image !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["image"],
        message:
          "cannot be given with path: the files are beside the definition (path) or in the image (image), not both",
      });
    if (m.image !== undefined && !/^\/[^\0]*$/.test(m.image))
      ctx.addIssue({
        code: "custom",
        path: ["image"],
        message: 'must be an absolute folder inside the image, such as "/migrations"',
      });
    if (m.image !== undefined && m.mode !== "job")
      ctx.addIssue({
        code: "custom",
        path: ["mode"],
        message:
          'must be "job" with image: a Job from that image runs the files; Slipway reads them only to check them',
      });
  });

const jsonSchemaObject = z.record(z.string(), z.unknown());

const call = z.strictObject({
  /** JSON Schema of the request, inline or a path to a .json file relative to the definition. */
  request: z.union([z.string(), jsonSchemaObject]).meta({
    description: "the request's JSON Schema, inline or a `.json` file",
    example: 'request: { type: "object", properties: { path: { type: "string" } } }',
  }),
  audited: z.boolean().optional().meta({
    description: "whether its requests go to an audit index",
    default: "true",
    example: "audited: false",
  }),
});

const servicePort = z.strictObject({
  name: labelName(15).meta({
    description: "the port's name, which ingress paths may use",
    example: 'name: "admin"',
  }),
  port: port.meta({ description: "the Service's port", example: "port: 9000" }),
  targetPort: port
    .optional()
    .meta({ description: "the container's", default: "the same as `port`", example: "targetPort: 9090" }),
});

/** A host as an Ingress rule takes it: a DNS name, or a wildcard as its first label. */
const ingressHost = z
  .string()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: 'must be a host name such as "cloud.example.org" or "*.example.org"',
  });

const ingressRule = z.strictObject({
  host: ingressHost.meta({
    description: "the host (a wildcard as first label allowed)",
    example: 'host: "*.apps.example.org"',
  }),
  paths: z
    .array(
      z.strictObject({
        path: z.string().startsWith("/").meta({ description: "the path", example: 'path: "/api/login"' }),
        pathType: z.enum(["Prefix", "Exact", "ImplementationSpecific"]).optional().meta({
          description: "`Prefix`, `Exact` or `ImplementationSpecific`",
          default: "`Prefix`",
          example: 'pathType: "Exact"',
        }),
        /** The Service port it goes to, by name or number; the first port by default. */
        port: z
          .union([port, labelName(15)])
          .optional()
          .meta({
            description: "the Service port, by name or number",
            default: "the first",
            example: 'port: "admin"',
          }),
      }),
    )
    .min(1)
    .meta({
      description: "its paths",
      example: 'paths: [{ path: "/api" }, { path: "/admin", port: "admin" }]',
    }),
  /** The TLS certificate's Secret for this host. */
  tlsSecret: subdomainName
    .optional()
    .meta({ description: "the TLS Secret of that host", example: 'tlsSecret: "apps-tls"' }),
});

/**
 * The kinds a raw object may have, with the API version Slipway reads them at: the ones it
 * lists, prunes and compares for drift. Never a Secret: a definition holds no secret values.
 */
export const rawObjectKinds: Readonly<Record<string, string>> = {
  ServiceAccount: "v1",
  Role: "rbac.authorization.k8s.io/v1",
  RoleBinding: "rbac.authorization.k8s.io/v1",
  ConfigMap: "v1",
  PersistentVolumeClaim: "v1",
  Service: "v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  PodDisruptionBudget: "policy/v1",
  HorizontalPodAutoscaler: "autoscaling/v2",
  CronJob: "batch/v1",
  Ingress: "networking.k8s.io/v1",
  NetworkPolicy: "networking.k8s.io/v1",
};

/** An object Slipway applies as written (labelled like its own): what no field expresses. */
const rawObject = z
  .looseObject({
    apiVersion: z
      .string()
      .meta({ description: "the API version Slipway reads that kind at", example: 'apiVersion: "apps/v1"' }),
    kind: z
      .string()
      .meta({ description: "the kind: one Slipway lists (never a Secret)", example: 'kind: "StatefulSet"' }),
    metadata: z
      .strictObject({
        name: subdomainName.meta({ description: "its name", example: 'name: "files-index"' }),
        labels: z
          .record(labelKey, labelValue)
          .optional()
          .meta({ description: "labels beside Slipway's", example: 'labels: { tier: "storage" }' }),
        annotations: z
          .record(z.string(), z.string())
          .optional()
          .meta({ description: "annotations", example: 'annotations: { owner: "storage" }' }),
      })
      .meta({
        description: "`name`, and optionally `labels` and `annotations` (no namespace)",
        example: 'metadata: { name: "files-index" }',
      }),
  })
  .superRefine((o, ctx) => {
    const apiVersion = rawObjectKinds[o.kind];
    if (apiVersion === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: `kind ${o.kind} cannot be a raw object: Slipway lists, prunes and checks drift of ${Object.keys(rawObjectKinds).join(", ")} only (never a Secret: a definition holds no secret values)`,
      });
    else if (o.apiVersion !== apiVersion)
      ctx.addIssue({
        code: "custom",
        path: ["apiVersion"],
        message: `a ${o.kind} is read and applied as ${apiVersion}`,
      });
  });

const jsonPatchOperation = z.strictObject({
  op: z
    .enum(["add", "remove", "replace", "move", "copy", "test"])
    .meta({ description: "`add`, `remove`, `replace`, `move`, `copy` or `test`", example: 'op: "replace"' }),
  /** A JSON pointer (RFC 6901) into the rendered object: `/spec/template/spec/hostNetwork`. */
  path: z
    .string()
    .regex(/^(\/.*)?$/, { message: 'must be a JSON pointer such as "/spec/replicas"' })
    .meta({ description: "a JSON pointer into the object", example: 'path: "/spec/revisionHistoryLimit"' }),
  from: z
    .string()
    .optional()
    .meta({ description: "the source of `move` and `copy`", example: 'from: "/metadata/labels/team"' }),
  value: z
    .json()
    .optional()
    .meta({ description: "the value of `add`, `replace` and `test`", example: "value: 3" }),
});

/** A change to rendered objects: a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902). */
const patch = z
  .strictObject({
    /** Every rendered object of this kind, or only the one of this name. */
    target: z
      .strictObject({
        kind: z.string().min(1).meta({
          description: "every rendered object of this kind (`Job`: every Job the service starts)",
          example: 'kind: "Deployment"',
        }),
        name: z
          .string()
          .min(1)
          .optional()
          .meta({ description: "only the one of this name", example: 'name: "files"' }),
      })
      .meta({
        description: "which rendered objects",
        example: 'target: { kind: "CronJob", name: "files-expire-shares" }',
      }),
    merge: z.record(z.string(), z.json()).optional().meta({
      description: "an RFC 7386 JSON merge patch",
      example: 'merge: { metadata: { annotations: { owner: "storage" } } }',
    }),
    json: z.array(jsonPatchOperation).min(1).optional().meta({
      description: "an RFC 6902 JSON patch",
      example: 'json: [{ op: "remove", path: "/spec/template/spec/dnsPolicy" }]',
    }),
  })
  .refine((p) => (p.merge === undefined) !== (p.json === undefined), {
    message: "needs exactly one of merge or json",
  })
  // Jobs are named per run: a Job patch applies to every Job the service starts.
  .refine((p) => !(p.target.kind === "Job" && p.target.name !== undefined), {
    path: ["target", "name"],
    message:
      "a Job target takes no name: it applies to every Job the service starts (migration, verification, ad-hoc)",
  });

/** Typed service parameters (see parameters.ts for how their values are found). */
export const parameterName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, {
  message: 'must be a parameter name such as "wayfEnabled" (a lower-case letter, then letters and digits)',
});

export const parameterDeclaration = z.strictObject({
  /** `integer`: a number without a fraction (a version of the terms, a count). */
  type: z
    .enum(["string", "number", "integer", "boolean"])
    .meta({ description: "`string`, `number`, `integer` or `boolean`", example: 'type: "boolean"' }),
  default: z.union([z.string(), z.number(), z.boolean()]).optional().meta({
    description: "the value when neither the environment nor `--set` gives one",
    example: "default: false",
  }),
  /** A deploy is refused until an environment or --set gives it a value. */
  required: z.boolean().optional().meta({
    description: "a deploy is refused until a value is given; `render` too, unless `--placeholders`",
    example: "required: true",
  }),
  description: z.string().optional().meta({
    description: "shown in the plan and errors",
    example: 'description: "log in through the federation"',
  }),
  /** Its value is never shown or recorded, only a hash of it. */
  secret: z.boolean().optional().meta({
    description: "never shown or recorded, only its hash; given with `--set-from-env`",
    example: "secret: true",
  }),
});

/** An environment's values for its services' parameters: service → parameter → value. */
export const environmentParameters = z.record(
  labelName(40),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
);

export const serviceSchema = z.strictObject({
  name: labelName(40).meta({
    description: "the service's name: its objects' names and the `app.kubernetes.io/name` label",
    example: 'name: "files"',
  }),
  version: z
    .string()
    .regex(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/, {
      message: "must be a version such as 1.4.0 (letters, digits, . _ + -)",
    })
    .meta({
      description: "the version deployed: the image tag, the `app.kubernetes.io/version` label",
      example: 'version: "1.4.0"',
    }),
  /** Repository name under the environment's prefix, or a full reference without tag. */
  image: z
    .string()
    .regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, {
      message: 'must be an image repository such as "files" or "registry/team/files"',
    })
    .meta({
      description: "the repository under the environment's prefix, or a full reference without tag",
      example: 'image: "files"',
    }),
  description: z.string().optional().meta({
    description: "what the service is, for people reading the definition (not rendered)",
    example: 'description: "Stored files and shares."',
  }),
  /** Typed parameters: set per environment or with --set at deploy time; functions read them. */
  parameters: z.record(parameterName, parameterDeclaration).optional().meta({
    description: "typed knobs, set per environment or with `--set`",
    example: 'parameters: { retentionDays: { type: "number", default: 400 } }',
  }),
  dependsOn: z
    .array(labelName(40))
    .optional()
    .meta({ description: "services deployed before this one", example: 'dependsOn: ["auth"]' }),
  /** A long-running Deployment. A service may have none: only CronJobs and Jobs (a cleaner). */
  deployment: deployment.optional().meta({
    description: "a long-running Deployment (optional: a service may run only `cronJobs` and `jobs`)",
    example: "deployment: { port: 8080 }",
  }),
  /**
   * The service's container as every workload runs it (command, env, database, resources),
   * for a service without a Deployment; with one, these are the Deployment's fields.
   */
  container: z.strictObject(containerSettings).optional().meta({
    description:
      "without a Deployment: the container every CronJob and Job runs, with `deployment`'s `command`, `args`, `env`, `database`, `resources`, `configFiles` and `secretFiles`",
    example: 'container: { env: { MODE: "sweep" } }',
  }),
  /** A ClusterIP Service: one port (`port`), or several named ones (`ports`). */
  service: z
    .strictObject({
      port: port.optional().meta({ description: "its one port, named `http`", example: "port: 80" }),
      targetPort: port.optional().meta({
        description: "the container port it sends to",
        default: "`deployment.port`",
        example: "targetPort: 8080",
      }),
      ports: z
        .array(servicePort)
        .min(1)
        .optional()
        .meta({ description: "several named ports", example: 'ports: [{ name: "admin", port: 9000 }]' }),
    })
    .optional()
    .meta({
      description: "a ClusterIP Service: one `port`, or several `ports`",
      example: "service: { port: 80 }",
    }),
  /** An Ingress: one host and path (`host`, `path`), or any number of `rules`. */
  ingress: z
    .strictObject({
      host: ingressHost
        .optional()
        .meta({ description: "its one host", example: "host: (env) => env.values.domain" }),
      path: z
        .string()
        .startsWith("/")
        .optional()
        .meta({ description: "its one path (Prefix)", example: 'path: "/files"' }),
      tlsSecret: subdomainName
        .optional()
        .meta({ description: "the TLS Secret of that host", example: 'tlsSecret: "cloud-tls"' }),
      rules: z.array(ingressRule).min(1).optional().meta({
        description: "any number of hosts, each with paths",
        example: 'rules: [{ host: "cloud.example.org", paths: [{ path: "/api" }] }]',
      }),
      annotations: z.record(labelKey, z.string()).optional().meta({
        description: "the Ingress's annotations (not under `slipway.dev/`)",
        example: 'annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "50m" }',
      }),
      /** The IngressClass; the environment's (its flavour's) by default. */
      className: subdomainName.optional().meta({
        description: "the IngressClass",
        default: "the environment's",
        example: 'className: "public"',
      }),
    })
    .optional()
    .meta({
      description: "an Ingress: one `host` and `path`, or `rules`",
      example: 'ingress: { host: "cloud.example.org", path: "/files" }',
    }),
  configMaps: z.record(subdomainName, configMap).optional().meta({
    description: "ConfigMaps the service renders",
    example: 'configMaps: { "files-config": { data: { MODE: "fast" } } }',
  }),
  /** Secrets the service needs; Slipway checks they exist but never holds their values. */
  secrets: z.array(subdomainName).optional().meta({
    description: "Secrets the service uses, by name only: checked to exist, never read",
    example: 'secrets: ["files-storage"]',
  }),
  pod: pod.optional().meta({
    description: "what every pod of the service shares: Deployment, CronJobs, Jobs",
    example: 'pod: { nodeSelector: { "kubernetes.io/os": "linux" } }',
  }),
  cronJobs: z.record(labelName(30), cronJob).optional().meta({
    description: "CronJobs `<service>-<name>`, the service's image and container",
    example: 'cronJobs: { "expire-shares": { schedule: "0 3 * * *" } }',
  }),
  jobs: z.record(labelName(30), adHocJob).optional().meta({
    description: "ad-hoc Jobs, run with `slipway job SERVICE NAME`",
    example: 'jobs: { reindex: { args: ["reindex"] } }',
  }),
  /** Verification Jobs, run in name order after the rollout and before the release is recorded. */
  verify: z.record(labelName(30), verifyJob).optional().meta({
    description: "Jobs run after the rollout, in name order; a failure rolls back",
    example: 'verify: { smoke: { args: ["--run-script", "smoke-test"] } }',
  }),
  networkPolicy: z
    .strictObject({
      /** Services allowed to call this one; the ingress controller when ingress is set. */
      allowFrom: z.array(labelName(40)).meta({
        description: "the services that may call this one (and the ingress controller with `ingress`)",
        example: 'allowFrom: ["files", "mail"]',
      }),
    })
    .optional()
    .meta({ description: "a NetworkPolicy", example: 'networkPolicy: { allowFrom: ["app-orchestrator"] }' }),
  volumes: z
    .record(
      labelName(30),
      z.strictObject({
        size: quantity.meta({ description: "the claim's size", example: 'size: "10Gi"' }),
        mountPath: z
          .string()
          .startsWith("/")
          .meta({ description: "where it is mounted", example: 'mountPath: "/var/lib/files"' }),
        accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"]).optional().meta({
          description: "`ReadWriteOnce`, `ReadWriteMany` or `ReadOnlyMany`",
          default: "`ReadWriteOnce`",
          example: 'accessMode: "ReadWriteMany"',
        }),
        storageClass: z.string().optional().meta({
          description: "a StorageClass other than the environment's",
          example: 'storageClass: "longhorn-ssd"',
        }),
      }),
    )
    .optional()
    .meta({
      description: "PersistentVolumeClaims `<service>-<name>`, mounted in the Deployment",
      example: 'volumes: { scratch: { size: "10Gi", mountPath: "/var/lib/files" } }',
    }),
  serviceAccount: z
    .strictObject({
      rules: z.array(policyRule).meta({
        description: "the Role's rules",
        example: 'rules: [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] }]',
      }),
    })
    .optional()
    .meta({
      description: "a ServiceAccount, a Role with these rules and a RoleBinding",
      example: 'serviceAccount: { rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] }',
    }),
  migrations: migrations.optional().meta({
    description: "the service's SQL migrations, run before the rollout",
    example: 'migrations: { path: "./migrations", database: "files" }',
  }),
  /** The escape hatch: changes to the rendered objects, applied in order after render. */
  patches: z.array(patch).optional().meta({
    description: "changes to the rendered objects",
    example:
      'patches: [{ target: { kind: "Deployment" }, merge: { spec: { progressDeadlineSeconds: 120 } } }]',
  }),
  /** The escape hatch: objects no field renders (a StatefulSet, a DaemonSet), applied as written. */
  objects: z.array(rawObject).optional().meta({
    description: "raw objects of the kinds Slipway lists, applied with its labels",
    example:
      'objects: [{ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "node-agent" }, spec: {} }]',
  }),
  calls: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, {
        message: 'must be a call name such as "files.browse"',
      }),
      call,
    )
    .optional()
    .meta({
      description: "the calls the service serves",
      example: 'calls: { "files.browse": { request: "./calls/browse.request.json" } }',
    }),
});

/**
 * When a deploy window is: a cron start and a duration (a repeating window), or from and to (one
 * stretch of dates), read in an IANA time zone (deploy-window.ts says what is wrong with them).
 */
const windowTimes = z
  .strictObject({
    /** Five cron fields: when each window starts, such as "0 16 * * 5" (Fridays at 16:00). */
    cron: z.string().optional().meta({
      description:
        "a repeating window's start: five cron fields, read by croner in `timeZone` (with `duration`)",
      example: 'cron: "0 16 * * 5"',
    }),
    /** How long each lasts from its start, in elapsed time: "64h", "1h30m", "2d". */
    duration: z.string().optional().meta({
      description: "how long each lasts from its start, in elapsed time (days, hours, minutes)",
      example: 'duration: "64h"',
    }),
    /** A date ("2027-01-11", its midnight) or a wall-clock time ("2027-01-11T08:00"). */
    from: z.string().optional().meta({
      description:
        "a one-off window's start: a date (its midnight) or a wall-clock time, no offset (with `to`)",
      example: 'from: "2027-01-11"',
    }),
    /** A date (through the end of that day) or a wall-clock time (up to it). */
    to: z.string().optional().meta({
      description: "its end: a date (through the end of that day) or a wall-clock time (up to it)",
      example: 'to: "2027-01-15T12:00"',
    }),
    timeZone: z.string().meta({
      description: 'the IANA time zone the times are read in (`"UTC"` is one)',
      example: 'timeZone: "Europe/Copenhagen"',
    }),
  })
  .superRefine(windowTimesIssues);

/** A deploy window: allowed or denied times, with the reason people are told. Deny wins. */
export const deployWindow = z
  .strictObject({
    allow: windowTimes.optional().meta({
      description: "deploys only in these times (outside every allow window the environment is frozen)",
      example: 'allow: { cron: "0 8 * * 1-5", duration: "9h", timeZone: "Europe/Copenhagen" }',
    }),
    deny: windowTimes.optional().meta({
      description: "no deploys in these times, allow windows or not",
      example: 'deny: { from: "2027-01-11", to: "2027-01-15", timeZone: "Europe/Copenhagen" }',
    }),
    reason: z.string().trim().min(1, { message: "must say why, in words the refused deploy shows" }).meta({
      description: "why, in the words a refused deploy, `slipway windows` and the dashboard show",
      example: 'reason: "weekend"',
    }),
  })
  .superRefine((w, ctx) => {
    if ((w.allow === undefined) === (w.deny === undefined))
      ctx.addIssue({
        code: "custom",
        message:
          'needs exactly one of allow or deny, such as { deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" }, reason: "weekend" }',
      });
  });

/** Kubernetes identities, as the API server names them (SelfSubjectReview): users and groups. */
export const kubernetesIdentities = z.strictObject({
  users: z.array(z.string().min(1)).optional().meta({
    description: "user names as the API server names them (`kubectl auth whoami`)",
    example: 'users: ["alice@example.org"]',
  }),
  groups: z.array(z.string().min(1)).optional().meta({
    description: "groups, as the API server lists them for the credentials",
    example: 'groups: ["platform-oncall"]',
  }),
});

/** The gate's checks an environment can require (see `requires`). */
export const requirableChecks = ["image", "ci", "promotion", "signature", "provenance"] as const;

export const environmentSchema = z.strictObject({
  name: labelName(30).meta({
    description: "the environment's name (`-e`, the `slipway.dev/environment` label)",
    example: 'name: "prod"',
  }),
  cluster: z
    .strictObject({
      context: z
        .string()
        .min(1)
        .meta({ description: "the kubeconfig context", example: 'context: "rancher"' }),
      namespace: labelName().meta({
        description: "the namespace every service of the environment goes into",
        example: 'namespace: "research"',
      }),
      flavour: z.enum(["k3s", "rancher"]).meta({
        description:
          "`k3s` or `rancher`: the default ingress class (Traefik, nginx) and storage class (local-path, Longhorn)",
        example: 'flavour: "k3s"',
      }),
      ingressClass: z
        .string()
        .optional()
        .meta({ description: "an IngressClass other than the flavour's", example: 'ingressClass: "public"' }),
      storageClass: z.string().optional().meta({
        description: "a StorageClass other than the flavour's, for `volumes`",
        example: 'storageClass: "ceph-rbd"',
      }),
    })
    .meta({
      description: "where it runs",
      example: 'cluster: { context: "rancher", namespace: "research", flavour: "rancher" }',
    }),
  registry: z
    .strictObject({
      host: z
        .string()
        .min(1)
        .meta({ description: "the registry's host and port", example: 'host: "127.0.0.1:25000"' }),
      repositoryPrefix: z
        .string()
        .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/)
        .meta({ description: "put before each service's `image`", example: 'repositoryPrefix: "research"' }),
      pullSecret: subdomainName.optional().meta({
        description: "the image pull Secret the pods name, and Slipway reads its credentials from",
        example: 'pullSecret: "registry-credentials"',
      }),
      insecure: z
        .boolean()
        .optional()
        .meta({ description: "plain HTTP to the registry (a local one)", example: "insecure: true" }),
    })
    .meta({
      description: "where the images are",
      example: 'registry: { host: "registry.example.org", repositoryPrefix: "research" }',
    }),
  defaults: z
    .strictObject({
      replicas: z.number().int().min(0).optional().meta({
        description: "a Deployment's replicas when the service gives none",
        default: "1",
        example: "replicas: 2",
      }),
      /**
       * Where this environment's pods run: merged under every service's own `pod` settings
       * (a service's nodeSelector keys win; tolerations add up).
       */
      pod: z
        .strictObject({
          nodeSelector: z.record(labelKey, labelValue).optional().meta({
            description: "node labels every pod needs; a service's own keys win",
            example: 'nodeSelector: { "slipway.dev/node": "real" }',
          }),
          tolerations: z.array(toleration).optional().meta({
            description: "taints every pod tolerates, before the service's own",
            example: 'tolerations: [{ key: "slipway.dev/real-node", operator: "Exists" }]',
          }),
        })
        .optional()
        .meta({
          description:
            "where the environment's pods run: `nodeSelector` and `tolerations` under every service's own `pod`",
          example: 'pod: { nodeSelector: { "slipway.dev/node": "real" } }',
        }),
    })
    .optional()
    .meta({ description: "what services get when they say nothing", example: "defaults: { replicas: 2 }" }),
  /** The project's own values (a domain, feature switches): JSON, read by service functions as `env.values`. */
  values: jsonObject.optional().meta({
    description: "the environment's own JSON values, read by service functions as `env.values`",
    example: 'values: { domain: "cloud.example.org" }',
  }),
  /** Values of the services' parameters here: service → parameter → value. */
  parameters: environmentParameters.optional().meta({
    description: "values of the services' parameters here: service → parameter → value",
    example: "parameters: { maintenance: { retentionDays: 730 } }",
  }),
  /** Database name → the Secret (and key) holding its connection URL. */
  databases: z
    .record(
      labelName(),
      z.strictObject({
        secret: subdomainName.meta({ description: "the Secret", example: 'secret: "files-db"' }),
        key: z
          .string()
          .optional()
          .meta({ description: "its key", default: "`url`", example: 'key: "DATABASE_URL"' }),
      }),
    )
    .optional()
    .meta({
      description: "database name → the Secret holding its connection URL",
      example: 'databases: { files: { secret: "files-db" } }',
    }),
  search: z
    .strictObject({
      url: z.url().meta({ description: "its URL", example: 'url: "http://127.0.0.1:29200"' }),
      /** Put before every audit index, alias and template name: environments sharing one server. */
      indexPrefix: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'must be lower case, such as "dev-"' })
        .optional()
        .meta({
          description: "put before every audit index, alias and template: environments sharing one server",
          example: 'indexPrefix: "prod-"',
        }),
    })
    .optional()
    .meta({
      description: "the Elasticsearch of the audit indices",
      example: 'search: { url: "https://search.example.org" }',
    }),
  ci: z
    .strictObject({
      url: z.url().meta({ description: "its URL", example: 'url: "https://jenkins.example.org"' }),
      jobPattern: z.string().optional().meta({
        description: "the job of a service",
        default: "`{service}`",
        example: 'jobPattern: "research/{service}"',
      }),
    })
    .optional()
    .meta({
      description: "the Jenkins the CI check asks",
      example: 'ci: { url: "https://jenkins.example.org" }',
    }),
  signatures: signaturesSchema.optional().meta({
    description: "the public keys this environment's images must be signed with (cosign's format)",
    example: 'signatures: { keys: [{ name: "ci", file: "keys/ci.pub" }] }',
  }),
  /** Versions must have run in an earlier environment first (same image digest), signed off by hand. */
  promotion: z
    .strictObject({
      from: labelName(30).meta({ description: "that environment", example: 'from: "dev"' }),
      signoff: z.boolean().optional().meta({
        description: "whether a sign-off there is required too",
        default: "true",
        example: "signoff: false",
      }),
    })
    .optional()
    .meta({
      description: "versions must have run in an earlier environment first (same digest)",
      example: 'promotion: { from: "dev" }',
    }),
  /**
   * Deploys here are promotions from `promotion.from`: one person requests (slipway promote),
   * `required` others approve (slipway approve), never the requester. Approvers are Kubernetes
   * user names as the API server reports them, or `group:<name>` for a group.
   */
  approval: z
    .strictObject({
      required: z.number().int().min(1).max(5).optional().meta({
        description: "how many approvals, none the requester's",
        default: "1",
        example: "required: 2",
      }),
      approvers: z.array(z.string().trim().min(1)).min(1).meta({
        description: "Kubernetes user names as the API server reports them, or `group:<name>`",
        example: 'approvers: ["system:serviceaccount:research:release-manager"]',
      }),
    })
    .optional()
    .meta({
      description: "deploys here are promotions one person requests and others approve",
      example: 'approval: { approvers: ["alice", "group:release-managers"] }',
    }),
  /**
   * The checks of "built and tested" a deploy here cannot go without: one that does not run
   * blocks (only --skip-ci-check --reason, an emergency override, skips ci and promotion).
   */
  requires: z.array(z.enum(requirableChecks)).optional().meta({
    description:
      "checks a deploy here cannot go without: `image`, `ci`, `promotion`, `signature`, `provenance`",
    example: 'requires: ["image", "ci", "promotion"]',
  }),
  /** When deploys may run: allow and deny windows (deny wins); after the project's own. */
  windows: z.array(deployWindow).optional().meta({
    description: "allow and deny windows for deploys here, deny wins",
    example:
      'windows: [{ deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" }, reason: "weekend" }]',
  }),
  /** Who may deploy in a frozen environment with --break-glass --reason: Kubernetes users and groups. */
  breakGlass: kubernetesIdentities.optional().meta({
    description: "who may deploy while it is frozen (`--break-glass --reason`), as Kubernetes identities",
    example: 'breakGlass: { users: ["alice@example.org"], groups: ["platform-oncall"] }',
  }),
  /** Whether `slipway rollback` may run while the environment is frozen (default true: it reduces risk). */
  rollbackDuringFreeze: z.boolean().optional().meta({
    description: "whether `slipway rollback` runs while frozen (going back reduces risk)",
    default: "true",
    example: "rollbackDuringFreeze: false",
  }),
  /** Where each deploy here is told, one message per deploy kept current (src/notify). */
  notifications: notificationsSchema.optional().meta({
    description: "where each deploy here is told, one message per deploy kept current",
    example: 'notifications: [{ name: "ops", type: "webhook", ... }]',
  }),
});

export const projectSchema = z.strictObject({
  name: labelName(40).meta({
    description: "the project's name: the `app.kubernetes.io/part-of` label of every object",
    example: 'name: "research-cloud"',
  }),
  /** Folder holding one `<service>/service.ts` per service, relative to slipway.config.ts. */
  servicesDir: z.string().optional().meta({
    description: "the folder of `<service>/service.ts` files, relative to the config",
    default: "`./services`",
    example: 'servicesDir: "./services"',
  }),
  environments: z.array(z.unknown()).min(1).meta({
    description: "the environments (`defineEnvironment`), in promotion order",
    type: "list of environments",
    example: "environments: [dev, prod]",
  }),
  /** Deploy windows of every environment (a company-wide freeze); each environment adds its own. */
  windows: z.array(deployWindow).optional().meta({
    description: "deploy windows of every environment, before each one's own",
    example:
      'windows: [{ deny: { from: "2026-12-23", to: "2027-01-01", timeZone: "Europe/Copenhagen" }, reason: "holidays" }]',
  }),
});

export type ResolvedService = z.infer<typeof serviceSchema>;
export type ResolvedEnvironment = z.infer<typeof environmentSchema>;
export type ParameterDeclaration = z.infer<typeof parameterDeclaration>;
export type EnvValue = z.infer<typeof envValue>;
export type DeployWindow = z.infer<typeof deployWindow>;
export type KubernetesIdentities = z.infer<typeof kubernetesIdentities>;
