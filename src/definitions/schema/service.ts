import { z } from "zod";
import { configKey, labelKey, labelName, port, quantity, subdomainName } from "./formats.ts";
import { rawObject, patch } from "./escape-hatch.ts";
import { migrations } from "./migrations.ts";
import { ingressHost, ingressRule, servicePort } from "./networking.ts";
import { parameterDeclaration, parameterName } from "./parameters.ts";
import { containerSettings, pod } from "./pod.ts";
import { serviceRollout } from "../rollout-strategy.ts";
import { adHocJob, cronJob, deployment, verifyJob } from "./workloads.ts";

/**
 * The shape of a service once every per-environment value is resolved. Strict: an unknown key
 * is an error, never silently ignored.
 */

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
  rollout: serviceRollout.optional(),
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

export type ResolvedService = z.infer<typeof serviceSchema>;
