import { z } from "zod";
import { envVarName, labelKey, labelName, labelValue, port, quantity, subdomainName } from "./formats.ts";

/**
 * The service's container and its pod, in every workload it runs (its Deployment's, CronJobs',
 * Jobs'): environment, resources, probes, files and volumes, extra containers, scheduling.
 */

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

export const resources = z.strictObject({
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

export const probe = z.strictObject({
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

export const mountPath = z.string().startsWith("/", { message: "must be an absolute path" });

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
export const containerSettings = {
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

export const toleration = z.strictObject({
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
export const pod = z.strictObject({
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

export type EnvValue = z.infer<typeof envValue>;
