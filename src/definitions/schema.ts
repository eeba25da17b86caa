import { z } from "zod";
import { scheduleProblem, timeZoneProblem } from "./cron-schedule.ts";
import { jsonObject } from "./json-value.ts";
import { windowTimesIssues } from "./deploy-window.ts";
import { notificationsSchema } from "./notifications.ts";

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
  secret: subdomainName,
  key: z.string().min(1),
  optional: z.boolean().optional(),
});
const configMapKeyRef = z.strictObject({
  configMap: subdomainName,
  key: z.string().min(1),
  optional: z.boolean().optional(),
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
    ),
});
/** A container's own request or limit, such as the memory limit a JVM sizes its heap from. */
const resourceFieldRef = z.strictObject({
  resource: z.enum([
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
  ]),
  divisor: quantity.optional(),
});
export const envValue = z.union([z.string(), secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef]);

const resources = z.strictObject({
  requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
});

const probe = z.strictObject({
  http: z.strictObject({ path: z.string().startsWith("/"), port: port.optional() }).optional(),
  tcp: z.strictObject({ port: port.optional() }).optional(),
  exec: z.array(z.string()).min(1).optional(),
  initialDelaySeconds: z.number().int().min(0).optional(),
  periodSeconds: z.number().int().min(1).optional(),
  failureThreshold: z.number().int().min(1).optional(),
});

const mountPath = z.string().startsWith("/", { message: "must be an absolute path" });

export const workloadSettings = {
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(envVarName, envValue).optional(),
  /** Names a database of the environment: its connection URL is injected as DATABASE_URL. */
  database: labelName().optional(),
  resources: resources.optional(),
};

/** The service's own container, in every workload it runs: its Deployment's, CronJobs', Jobs'. */
const containerSettings = {
  ...workloadSettings,
  configFiles: z.array(z.strictObject({ configMap: subdomainName, mountPath })).optional(),
  secretFiles: z.array(z.strictObject({ secret: subdomainName, mountPath })).optional(),
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
  replicas: z.number().int().min(0).optional(),
  /** Seconds a new pod must stay ready before it counts as available: catches a crash right after start. */
  minReadySeconds: z.number().int().min(0).optional(),
  /** Extra labels on the pods (not on the selector): for policies, monitoring, fault injection. */
  podLabels: z.record(labelKey, labelValue).optional(),
  port: port.optional(),
  ...containerSettings,
  liveness: probe.optional(),
  readiness: probe.optional(),
  /**
   * Seconds a terminating pod keeps serving (a preStop sleep) while its endpoint leaves every
   * node's Service routing; default 5 for a service with a Service, 0 turns it off.
   */
  drainSeconds: z.number().int().min(0).max(300).optional(),
  /** A PodDisruptionBudget: how many pods a node drain may take down at once. */
  disruptionBudget: z
    .strictObject({ minAvailable: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() })
    .optional(),
  /** A HorizontalPodAutoscaler, which then owns the replica count: `replicas` is not applied. */
  autoscale: z
    .strictObject({
      minReplicas: z.number().int().min(1),
      maxReplicas: z.number().int().min(1),
      /** Target average utilisation, in percent of the requests. */
      cpu: z.number().int().min(1).max(1000).optional(),
      memory: z.number().int().min(1).max(1000).optional(),
    })
    .optional(),
});

/** A volume of the pod beyond config, Secret files and claims; containers mount it by name. */
const podVolume = z.strictObject({
  emptyDir: z
    .strictObject({ medium: z.enum(["", "Memory"]).optional(), sizeLimit: quantity.optional() })
    .optional(),
  /** Several Secrets' (and ConfigMaps') files in one folder. */
  projected: z
    .strictObject({
      secrets: z.array(subdomainName).optional(),
      configMaps: z.array(subdomainName).optional(),
    })
    .optional(),
  /** Where the service's own container mounts it; other containers say so in their `mounts`. */
  mountPath: mountPath.optional(),
  readOnly: z.boolean().optional(),
});

const volumeMount = z.strictObject({ volume: labelName(30), mountPath, readOnly: z.boolean().optional() });

/** Written as the API server takes it; the server-side dry run in `plan` checks it field by field. */
const passThrough = z.record(z.string(), z.unknown());

/** An init container or a sidecar: the service's image unless it names another. */
const extraContainer = z.strictObject({
  image: z.string().min(1).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(envVarName, envValue).optional(),
  resources: resources.optional(),
  ports: z.array(z.strictObject({ name: labelName(15), containerPort: port })).optional(),
  mounts: z.array(volumeMount).optional(),
  securityContext: passThrough.optional(),
});

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.number().int().optional(),
});

/** Settings of every pod the service runs: its Deployment's, its CronJobs' and its Jobs'. */
const pod = z.strictObject({
  annotations: z.record(labelKey, z.string()).optional(),
  /** An existing ServiceAccount (Slipway renders none); exclusive with `serviceAccount`. */
  serviceAccountName: subdomainName.optional(),
  nodeSelector: z.record(labelKey, labelValue).optional(),
  tolerations: z.array(toleration).optional(),
  affinity: passThrough.optional(),
  securityContext: passThrough.optional(),
  /** The service's own container's securityContext. */
  containerSecurityContext: passThrough.optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).optional(),
  /** Run to completion, in name order, before the containers start. */
  initContainers: z.record(labelName(40), extraContainer).optional(),
  /** Run beside the service's container for the pod's life (native sidecars: a Job still ends). */
  sidecars: z.record(labelName(40), extraContainer).optional(),
  volumes: z.record(labelName(30), podVolume).optional(),
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
  schedule: z.string().superRefine(refuse(scheduleProblem)),
  args: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  concurrency: z.enum(["Forbid", "Allow", "Replace"]).optional(),
  suspend: z.boolean().optional(),
  /** An IANA time zone for the schedule, such as "Europe/Oslo"; the controller's (UTC) by default. */
  timeZone: z.string().superRefine(refuse(timeZoneProblem)).optional(),
  /** Seconds after a missed start within which it still starts. */
  startingDeadlineSeconds: z.number().int().min(0).optional(),
  successfulJobsHistoryLimit: z.number().int().min(0).optional(),
  failedJobsHistoryLimit: z.number().int().min(0).optional(),
  backoffLimit: z.number().int().min(0).optional(),
  ttlSecondsAfterFinished: z.number().int().min(0).optional(),
});

const adHocJob = z.strictObject({
  args: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  backoffLimit: z.number().int().min(0).optional(),
  /** Seconds a finished Job stays before Kubernetes deletes it. Default a day. */
  ttlSecondsAfterFinished: z.number().int().min(0).optional(),
});

/** A Job run after the rollout against the new version (smoke or contract tests): it must succeed. */
const verifyJob = z.strictObject({
  args: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  /** Retries before the verification counts as failed. Default 0. */
  backoffLimit: z.number().int().min(0).optional(),
  /** Extra labels on the Job's pod. */
  podLabels: z.record(labelKey, labelValue).optional(),
});

const configMap = z.strictObject({
  /** File name in the ConfigMap → path of a file, relative to the service definition. */
  files: z.record(configKey, z.string()).optional(),
  /** Inline entries. */
  data: z.record(configKey, z.string()).optional(),
  /** Other services of the environment may mount it by name; this service owns it. */
  shared: z.boolean().optional(),
});

const policyRule = z.strictObject({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()).min(1),
  verbs: z
    .array(z.enum(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]))
    .min(1),
  resourceNames: z.array(z.string()).optional(),
});

const migrations = z
  .strictObject({
    /** Folder of Flyway-named SQL files (V1__init.sql, R__views.sql), relative to the definition. */
    path: z.string().optional(),
    /**
     * Or: the absolute folder inside the service's own image where they ship (mode "job"). Read
     * from the image's layers through the registry once the plan has resolved its digest.
     */
    image: z.string().optional(),
    database: labelName(),
    /** direct: Slipway applies the files; job: a Job from the new image runs the service's own command. */
    mode: z.enum(["direct", "job"]).optional(),
    job: z
      .strictObject({ args: z.array(z.string()).optional(), command: z.array(z.string()).optional() })
      .optional(),
    /** A file of the statements this version runs (";"-separated), proven beside the live ones. */
    queries: z.string().optional(),
    /** The database role the service connects as: only its statements in pg_stat_statements count. */
    role: z.string().optional(),
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
  request: z.union([z.string(), jsonSchemaObject]),
  audited: z.boolean().optional(),
});

const servicePort = z.strictObject({
  name: labelName(15),
  port: port,
  targetPort: port.optional(),
});

/** A host as an Ingress rule takes it: a DNS name, or a wildcard as its first label. */
const ingressHost = z
  .string()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: 'must be a host name such as "cloud.example.org" or "*.example.org"',
  });

const ingressRule = z.strictObject({
  host: ingressHost,
  paths: z
    .array(
      z.strictObject({
        path: z.string().startsWith("/"),
        pathType: z.enum(["Prefix", "Exact", "ImplementationSpecific"]).optional(),
        /** The Service port it goes to, by name or number; the first port by default. */
        port: z.union([port, labelName(15)]).optional(),
      }),
    )
    .min(1),
  /** The TLS certificate's Secret for this host. */
  tlsSecret: subdomainName.optional(),
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
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.strictObject({
      name: subdomainName,
      labels: z.record(labelKey, labelValue).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
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
  op: z.enum(["add", "remove", "replace", "move", "copy", "test"]),
  /** A JSON pointer (RFC 6901) into the rendered object: `/spec/template/spec/hostNetwork`. */
  path: z.string().regex(/^(\/.*)?$/, { message: 'must be a JSON pointer such as "/spec/replicas"' }),
  from: z.string().optional(),
  value: z.json().optional(),
});

/** A change to rendered objects: a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902). */
const patch = z
  .strictObject({
    /** Every rendered object of this kind, or only the one of this name. */
    target: z.strictObject({ kind: z.string().min(1), name: z.string().min(1).optional() }),
    merge: z.record(z.string(), z.json()).optional(),
    json: z.array(jsonPatchOperation).min(1).optional(),
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
  type: z.enum(["string", "number", "integer", "boolean"]),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** A deploy is refused until an environment or --set gives it a value. */
  required: z.boolean().optional(),
  description: z.string().optional(),
  /** Its value is never shown or recorded, only a hash of it. */
  secret: z.boolean().optional(),
});

/** An environment's values for its services' parameters: service → parameter → value. */
export const environmentParameters = z.record(
  labelName(40),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
);

export const serviceSchema = z.strictObject({
  name: labelName(40),
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/, {
    message: "must be a version such as 1.4.0 (letters, digits, . _ + -)",
  }),
  /** Repository name under the environment's prefix, or a full reference without tag. */
  image: z.string().regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, {
    message: 'must be an image repository such as "files" or "registry/team/files"',
  }),
  description: z.string().optional(),
  /** Typed parameters: set per environment or with --set at deploy time; functions read them. */
  parameters: z.record(parameterName, parameterDeclaration).optional(),
  dependsOn: z.array(labelName(40)).optional(),
  /** A long-running Deployment. A service may have none: only CronJobs and Jobs (a cleaner). */
  deployment: deployment.optional(),
  /**
   * The service's container as every workload runs it (command, env, database, resources),
   * for a service without a Deployment; with one, these are the Deployment's fields.
   */
  container: z.strictObject(containerSettings).optional(),
  /** A ClusterIP Service: one port (`port`), or several named ones (`ports`). */
  service: z
    .strictObject({
      port: port.optional(),
      targetPort: port.optional(),
      ports: z.array(servicePort).min(1).optional(),
    })
    .optional(),
  /** An Ingress: one host and path (`host`, `path`), or any number of `rules`. */
  ingress: z
    .strictObject({
      host: ingressHost.optional(),
      path: z.string().startsWith("/").optional(),
      tlsSecret: subdomainName.optional(),
      rules: z.array(ingressRule).min(1).optional(),
      annotations: z.record(labelKey, z.string()).optional(),
      /** The IngressClass; the environment's (its flavour's) by default. */
      className: subdomainName.optional(),
    })
    .optional(),
  configMaps: z.record(subdomainName, configMap).optional(),
  /** Secrets the service needs; Slipway checks they exist but never holds their values. */
  secrets: z.array(subdomainName).optional(),
  pod: pod.optional(),
  cronJobs: z.record(labelName(30), cronJob).optional(),
  jobs: z.record(labelName(30), adHocJob).optional(),
  /** Verification Jobs, run in name order after the rollout and before the release is recorded. */
  verify: z.record(labelName(30), verifyJob).optional(),
  networkPolicy: z
    .strictObject({
      /** Services allowed to call this one; the ingress controller when ingress is set. */
      allowFrom: z.array(labelName(40)),
    })
    .optional(),
  volumes: z
    .record(
      labelName(30),
      z.strictObject({
        size: quantity,
        mountPath: z.string().startsWith("/"),
        accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"]).optional(),
        storageClass: z.string().optional(),
      }),
    )
    .optional(),
  serviceAccount: z.strictObject({ rules: z.array(policyRule) }).optional(),
  migrations: migrations.optional(),
  /** The escape hatch: changes to the rendered objects, applied in order after render. */
  patches: z.array(patch).optional(),
  /** The escape hatch: objects no field renders (a StatefulSet, a DaemonSet), applied as written. */
  objects: z.array(rawObject).optional(),
  calls: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, {
        message: 'must be a call name such as "files.browse"',
      }),
      call,
    )
    .optional(),
});

/**
 * When a deploy window is: a cron start and a duration (a repeating window), or from and to (one
 * stretch of dates), read in an IANA time zone (deploy-window.ts says what is wrong with them).
 */
const windowTimes = z
  .strictObject({
    /** Five cron fields: when each window starts, such as "0 16 * * 5" (Fridays at 16:00). */
    cron: z.string().optional(),
    /** How long each lasts from its start, in elapsed time: "64h", "1h30m", "2d". */
    duration: z.string().optional(),
    /** A date ("2027-01-11", its midnight) or a wall-clock time ("2027-01-11T08:00"). */
    from: z.string().optional(),
    /** A date (through the end of that day) or a wall-clock time (up to it). */
    to: z.string().optional(),
    timeZone: z.string(),
  })
  .superRefine(windowTimesIssues);

/** A deploy window: allowed or denied times, with the reason people are told. Deny wins. */
export const deployWindow = z
  .strictObject({
    allow: windowTimes.optional(),
    deny: windowTimes.optional(),
    reason: z.string().trim().min(1, { message: "must say why, in words the refused deploy shows" }),
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
  users: z.array(z.string().min(1)).optional(),
  groups: z.array(z.string().min(1)).optional(),
});

/** The gate's checks an environment can require (see `requires`). */
export const requirableChecks = ["image", "ci", "promotion"] as const;

export const environmentSchema = z.strictObject({
  name: labelName(30),
  cluster: z.strictObject({
    context: z.string().min(1),
    namespace: labelName(),
    flavour: z.enum(["k3s", "rancher"]),
    ingressClass: z.string().optional(),
    storageClass: z.string().optional(),
  }),
  registry: z.strictObject({
    host: z.string().min(1),
    repositoryPrefix: z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/),
    pullSecret: subdomainName.optional(),
    insecure: z.boolean().optional(),
  }),
  defaults: z
    .strictObject({
      replicas: z.number().int().min(0).optional(),
      /**
       * Where this environment's pods run: merged under every service's own `pod` settings
       * (a service's nodeSelector keys win; tolerations add up).
       */
      pod: z
        .strictObject({
          nodeSelector: z.record(labelKey, labelValue).optional(),
          tolerations: z.array(toleration).optional(),
        })
        .optional(),
    })
    .optional(),
  /** The project's own values (a domain, feature switches): JSON, read by service functions as `env.values`. */
  values: jsonObject.optional(),
  /** Values of the services' parameters here: service → parameter → value. */
  parameters: environmentParameters.optional(),
  /** Database name → the Secret (and key) holding its connection URL. */
  databases: z
    .record(labelName(), z.strictObject({ secret: subdomainName, key: z.string().optional() }))
    .optional(),
  search: z
    .strictObject({
      url: z.url(),
      /** Put before every audit index, alias and template name: environments sharing one server. */
      indexPrefix: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'must be lower case, such as "dev-"' })
        .optional(),
    })
    .optional(),
  ci: z.strictObject({ url: z.url(), jobPattern: z.string().optional() }).optional(),
  /** Versions must have run in an earlier environment first (same image digest), signed off by hand. */
  promotion: z.strictObject({ from: labelName(30), signoff: z.boolean().optional() }).optional(),
  /**
   * Deploys here are promotions from `promotion.from`: one person requests (slipway promote),
   * `required` others approve (slipway approve), never the requester. Approvers are Kubernetes
   * user names as the API server reports them, or `group:<name>` for a group.
   */
  approval: z
    .strictObject({
      required: z.number().int().min(1).max(5).optional(),
      approvers: z.array(z.string().trim().min(1)).min(1),
    })
    .optional(),
  /**
   * The checks of "built and tested" a deploy here cannot go without: one that does not run
   * blocks (only --skip-ci-check --reason, an emergency override, skips ci and promotion).
   */
  requires: z.array(z.enum(requirableChecks)).optional(),
  /** When deploys may run: allow and deny windows (deny wins); after the project's own. */
  windows: z.array(deployWindow).optional(),
  /** Who may deploy in a frozen environment with --break-glass --reason: Kubernetes users and groups. */
  breakGlass: kubernetesIdentities.optional(),
  /** Whether `slipway rollback` may run while the environment is frozen (default true: it reduces risk). */
  rollbackDuringFreeze: z.boolean().optional(),
  /** Where each deploy here is told, one message per deploy kept current (src/notify). */
  notifications: notificationsSchema.optional(),
});

export const projectSchema = z.strictObject({
  name: labelName(40),
  /** Folder holding one `<service>/service.ts` per service, relative to slipway.config.ts. */
  servicesDir: z.string().optional(),
  environments: z.array(z.unknown()).min(1),
  /** Deploy windows of every environment (a company-wide freeze); each environment adds its own. */
  windows: z.array(deployWindow).optional(),
});

export type ResolvedService = z.infer<typeof serviceSchema>;
export type ResolvedEnvironment = z.infer<typeof environmentSchema>;
export type ParameterDeclaration = z.infer<typeof parameterDeclaration>;
export type EnvValue = z.infer<typeof envValue>;
export type DeployWindow = z.infer<typeof deployWindow>;
export type KubernetesIdentities = z.infer<typeof kubernetesIdentities>;
