import { z } from "zod";
import { jsonObject } from "../json-value.ts";
import { notificationsSchema } from "../notifications.ts";
import { environmentRollout } from "../rollout-strategy.ts";
import { signaturesSchema } from "../signatures.ts";
import { labelKey, labelName, labelValue, subdomainName } from "./formats.ts";
import { environmentParameters } from "./parameters.ts";
import { toleration } from "./pod.ts";
import { deployWindow } from "./windows.ts";

/**
 * The shape of an environment (one entry of the project's `environments`). Strict: an unknown
 * key is an error, never silently ignored.
 */

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

/** Where an environment (or one cluster of a fleet) runs: context, namespace, flavour. */
export const clusterPlacement = z.strictObject({
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
});

export const environmentRegistry = z.strictObject({
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
});

export const environmentDatabases = z.record(
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
});

export const environmentSearch = z.strictObject({
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
});

/** One cluster of a fleet: where it runs, and its own registry, databases and search where they differ. */
export const fleetCluster = z.strictObject({
  cluster: clusterPlacement.meta({
    description: "where this cluster of the fleet runs",
    example: 'cluster: { context: "eu-1", namespace: "research", flavour: "rancher" }',
  }),
  registry: environmentRegistry.optional(),
  databases: environmentDatabases.optional(),
  search: environmentSearch.optional(),
});

/** One wave of a fleet deploy: its clusters, deployed `maxParallel` at a time, then baked. */
export const fleetWave = z.strictObject({
  clusters: z.array(labelName(30)).min(1).meta({
    description: "the clusters of this wave, by their names in `clusters`",
    example: 'clusters: ["eu-2", "us-1"]',
  }),
  bake: z
    .string()
    .min(1)
    .optional()
    .meta({
      description: "how long the wave's release is watched, healthy, before the next wave starts",
      default: "no bake",
      example: 'bake: "15m"',
    }),
  maxParallel: z.number().int().min(1).optional().meta({
    description: "clusters of this wave deployed at once",
    default: "1",
    example: "maxParallel: 2",
  }),
  failureBudget: z.number().int().min(0).optional().meta({
    description: "clusters of this wave that may fail (deploy or bake) and the next wave still goes on",
    default: "0",
    example: "failureBudget: 1",
  }),
});

export const environmentSchema = z.strictObject({
  name: labelName(30).meta({
    description: "the environment's name (`-e`, the `slipway.dev/environment` label)",
    example: 'name: "prod"',
  }),
  cluster: clusterPlacement.optional().meta({
    description: "where it runs (or `clusters`, for a fleet)",
    example: 'cluster: { context: "rancher", namespace: "research", flavour: "rancher" }',
  }),
  clusters: z.record(labelName(30), fleetCluster).optional().meta({
    description:
      "a fleet: several clusters (instead of `cluster`), each with its own settings where they differ, deployed in `waves`",
    example:
      'clusters: { "eu-1": { cluster: { context: "eu-1", namespace: "research", flavour: "k3s" } }, ... }',
  }),
  waves: z.array(fleetWave).min(1).optional().meta({
    description: "the order a fleet is deployed in: each wave once the previous one is done and baked",
    example: 'waves: [{ clusters: ["eu-1"], bake: "15m" }, { clusters: ["eu-2", "us-1"], maxParallel: 2 }]',
  }),
  registry: environmentRegistry,
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
  databases: environmentDatabases,
  search: environmentSearch,
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
  rollout: environmentRollout.optional(),
});

export type ResolvedEnvironment = z.infer<typeof environmentSchema>;
export type ClusterPlacement = z.infer<typeof clusterPlacement>;
export type FleetWaveSpec = z.infer<typeof fleetWave>;
export type FleetClusterSpec = z.infer<typeof fleetCluster>;
export type KubernetesIdentities = z.infer<typeof kubernetesIdentities>;
