import type { KubernetesObject } from "@kubernetes/client-node";
import type { LiveAuditCall } from "../audit/live.ts";
import { planAuditCall, type AuditCallPlan } from "../audit/plan.ts";
import { diffCalls, type CallsDiff } from "../checks/calls/request-diff.ts";
import type { GateCheck, ServiceGate } from "../checks/gate/types.ts";
import {
  servicesIn,
  type CallContract,
  type EnvironmentModel,
  type ProjectModel,
  type ServiceModel,
} from "../definitions/model.ts";
import { matchesTarget } from "../render/patches.ts";

import { shownParameters, type ParameterValue } from "../definitions/parameters.ts";
import { renderServiceObjects } from "../render/render.ts";
import { hashObjects } from "../release/hash.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { diffObject, type FieldChange } from "./diff.ts";
import { sharedConfigMaps, sharedConfigUsed } from "../definitions/shared-config.ts";
import { configMapMounts } from "./config-mounts.ts";
import { trackLabel } from "../canary/names.ts";
import { rolloutPlan, type RolloutPlan } from "./rollout-plan.ts";
import { liveVersionOf, managedKinds, objectKey } from "./live-state.ts";
import type { ServerDryRun } from "./server-dry-run.ts";
import type { ForeignField } from "./managed-fields.ts";
import type { ShippedMigrations } from "../migrations/image-files.ts";
import type { BreakGlass } from "../windows/break-glass.ts";

export type ObjectAction = "create" | "update" | "unchanged" | "prune";

export interface ObjectChange {
  readonly kind: string;
  readonly name: string;
  readonly action: ObjectAction;
  readonly changes: readonly FieldChange[];
  readonly desired?: KubernetesObject;
  /** From the definition's escape hatch: a raw object, or one of Slipway's that a patch changed. */
  readonly escapeHatch?: "raw" | "patched";
  /**
   * A create of an object that already exists without Slipway's labels: the apply adopts it
   * (labels it as the service's own). `changes` then lists what it changes beyond the labels.
   */
  readonly adopts?: boolean;
  /**
   * Fields other field managers added that the apply leaves, as the server's dry run says: the
   * definition does not set them, and server-side apply removes only fields Slipway owned.
   */
  readonly stays?: readonly ForeignField[];
  /** With --reclaim: the fields the deploy takes over from their managers, so that its apply removes them. */
  readonly reclaims?: readonly ForeignField[];
}

export interface ServicePlan {
  readonly service: string;
  readonly file: string;
  readonly liveVersion?: string;
  /** A canary or a plain rolling update, and why (src/plan/rollout-plan.ts). */
  readonly rollout: RolloutPlan;
  readonly newVersion: string;
  /** Its parameters' values for this deploy, secret ones as a hash: what the release records. */
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly dependsOn: readonly string[];
  readonly objects: readonly ObjectChange[];
  /** Every object the service runs as, as rendered (in apply order): what a deploy applies and records. */
  readonly rendered: readonly KubernetesObject[];
  /** Hash of the rendered objects, to match release records. */
  readonly objectsHash: string;
  /** An interrupted deploy of the same objects that a deploy will finish. */
  readonly resumes?: number;
  /** How its migrations run before the rollout, when it has any. */
  readonly migrations?: string;
  /**
   * Migrations that ship in the image, read from the digest the deploy pins (by planFor, after
   * the gate resolved it): what check-migrations checks and the release records.
   */
  readonly shippedMigrations?: ShippedMigrations;
  /** Objects change, or the release record does not yet say these objects are deployed. */
  readonly changed: boolean;
  /** The deployed release records these objects and no deploy of them is pending. */
  readonly recorded: boolean;
  /** How the calls' request schemas changed since the deployed release, when they did. */
  readonly calls?: CallsDiff;
  /** "Built and tested": its image, CI build and promotion, when the plan was made against them. */
  readonly gate?: ServiceGate;
  /** Per audited call, what its audit index needs before the new version writes to it. */
  readonly audit: readonly AuditCallPlan[];
  /**
   * The server's dry run of the apply of the objects it would update: conflicts with other field
   * managers and refusals, when the plan was made against the server.
   */
  readonly dryRun?: ServerDryRun;
  /** ConfigMaps other services share that this one mounts, with the service that owns each. */
  readonly sharedConfig?: readonly { readonly name: string; readonly owner: string }[];
  /** Objects it no longer defines that are not pruned, because other services still mount them. */
  readonly kept?: readonly KeptObject[];
}

export interface KeptObject {
  readonly kind: string;
  readonly name: string;
  readonly mountedBy: readonly string[];
}

/** A failed environment check, or a failed gate check of a service the deploy would change. */
export const gateBlocks = (services: readonly ServicePlan[], checks: readonly GateCheck[]): boolean =>
  checks.some((c) => c.outcome === "failed") ||
  services.some((s) => s.changed && s.gate?.checks.some((c) => c.outcome === "failed"));

/** What a deploy would do, built before anything changes, printed as it is, then executed. */
export interface Plan {
  readonly project: string;
  readonly environment: string;
  readonly context: string;
  readonly namespace: string;
  readonly services: readonly ServicePlan[];
  /** Managed objects of services no longer defined: pruned only when deploying every service. */
  readonly orphans: readonly ObjectChange[];
  readonly changed: boolean;
  /** Checks of the environment itself (the registry's pull secret). */
  readonly checks?: readonly GateCheck[];
  /** A check failed: a deploy refuses before it takes the lock. */
  readonly blocked?: boolean;
  /** The environment is frozen and an identity it names broke glass: the releases record it. */
  readonly breakGlass?: BreakGlass;
}

export interface PlanInput {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  /** Services to plan; all when empty. */
  readonly only: readonly string[];
  readonly live: ReadonlyMap<string, KubernetesObject>;
  /** Release summaries of the namespace (metadata only). */
  readonly releases?: readonly ReleaseSummary[];
  readonly digests?: ReadonlyMap<string, string>;
  /** Call name → its audit index family on the search server, read for the audited calls. */
  readonly audit?: ReadonlyMap<string, LiveAuditCall>;
  /** Service → the calls of its deployed release, for the services whose calls changed since. */
  readonly deployedCalls?: ReadonlyMap<string, readonly CallContract[]>;
}

const kindOrder = (kind: string): number => {
  const i = (managedKinds as readonly string[]).indexOf(kind);
  return i === -1 ? managedKinds.length : i;
};

/** Pure: definitions plus live state in, plan out. */
export function buildPlan(input: PlanInput): Plan {
  const { project, env, live } = input;
  const services = servicesIn(project, env.name, input.only);
  const defined = new Set((project.services.get(env.name) ?? []).map((s) => s.spec.name));
  const everyService = project.services.get(env.name) ?? [];
  // Each service rendered once: what it deploys, and which ConfigMaps it mounts for the others.
  const rendered = new Map(
    everyService.map((s) => [
      s.spec.name,
      renderServiceObjects(project.name, env, s, input.digests ? { digests: input.digests } : {}),
    ]),
  );
  // Who mounts which ConfigMap, live or as every defined service renders it now.
  const mounts = configMapMounts([...live.values(), ...[...rendered.values()].flat()]);
  const owners = sharedConfigMaps(everyService);
  const mountedByOthers = (object: KubernetesObject, service: string): string[] =>
    object.kind === "ConfigMap"
      ? [...(mounts.get(object.metadata?.name ?? "") ?? [])].filter((s) => s !== service).sort()
      : [];
  // Each service's live objects and releases, found once: looking them up per service in the
  // whole namespace made the plan grow with services × objects.
  const liveOf = groupBy(live.values(), (o) => o.metadata?.labels?.["app.kubernetes.io/name"]);
  const releasesOf = groupBy(input.releases ?? [], (r) => r.service);
  const servicePlans = services.map((service) =>
    planService(
      env,
      service,
      rendered.get(service.spec.name) ?? [],
      live,
      liveOf.get(service.spec.name) ?? [],
      releasesOf.get(service.spec.name) ?? [],
      input.audit,
      input.deployedCalls?.get(service.spec.name),
      { mountedByOthers, owners },
    ),
  );
  const orphans: ObjectChange[] =
    input.only.length > 0
      ? []
      : [...live.values()]
          .filter((o) => !defined.has(o.metadata?.labels?.["app.kubernetes.io/name"] ?? ""))
          .filter(
            (o) => mountedByOthers(o, o.metadata?.labels?.["app.kubernetes.io/name"] ?? "").length === 0,
          )
          .map((o) => ({
            kind: o.kind ?? "",
            name: o.metadata?.name ?? "",
            action: "prune" as const,
            changes: [],
          }));
  return {
    project: project.name,
    environment: env.name,
    context: env.cluster.context,
    namespace: env.cluster.namespace,
    services: servicePlans,
    orphans,
    changed: planChanges(servicePlans, orphans),
  };
}

function planService(
  env: EnvironmentModel,
  service: ServiceModel,
  /** The service's objects as rendered for this plan (with the digests it pins). */
  desired: readonly KubernetesObject[],
  live: ReadonlyMap<string, KubernetesObject>,
  /** Its own live objects (labelled with its name), canaries included. */
  liveOwn: readonly KubernetesObject[],
  /** Its own releases. */
  releases: readonly ReleaseSummary[],
  audit?: ReadonlyMap<string, LiveAuditCall>,
  deployedCalls?: readonly CallContract[],
  shared?: {
    readonly mountedByOthers: (object: KubernetesObject, service: string) => string[];
    readonly owners: ReadonlyMap<string, string>;
  },
): ServicePlan {
  const kept: KeptObject[] = [];
  const desiredKeys = new Set(desired.map(objectKey));
  const raw = new Set(
    (service.spec.objects ?? []).map((o) => objectKey({ kind: o.kind, metadata: { name: o.metadata.name } })),
  );
  const hatchOf = (o: KubernetesObject): ObjectChange["escapeHatch"] =>
    raw.has(objectKey(o))
      ? "raw"
      : (service.spec.patches ?? []).some((p) => matchesTarget(p.target, o))
        ? "patched"
        : undefined;
  const objects: ObjectChange[] = desired.map((object) => {
    const current = live.get(objectKey(object));
    const changes = diffObject(object, current);
    const action: ObjectAction = !current ? "create" : changes.length ? "update" : "unchanged";
    return {
      kind: object.kind ?? "",
      name: object.metadata?.name ?? "",
      action,
      changes: current ? changes : [],
      desired: object,
      ...(hatchOf(object) ? { escapeHatch: hatchOf(object) } : {}),
    };
  });
  for (const object of liveOwn) {
    if (
      !desiredKeys.has(objectKey(object)) &&
      // A running canary's Deployment and Service are the canary step's, never pruned by a plan.
      object.metadata?.labels?.[trackLabel] !== "canary"
    ) {
      const mountedBy = shared?.mountedByOthers(object, service.spec.name) ?? [];
      if (mountedBy.length) {
        kept.push({ kind: object.kind ?? "", name: object.metadata?.name ?? "", mountedBy });
        continue;
      }
      objects.push({
        kind: object.kind ?? "",
        name: object.metadata?.name ?? "",
        action: "prune",
        changes: [],
      });
    }
  }
  objects.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.name.localeCompare(b.name));
  const liveVersion = liveVersionOf(liveOwn, service.spec.name);
  const objectsHash = hashObjects(desired);
  const mine = [...releases].sort((a, b) => b.revision - a.revision);
  const pending = mine.find((r) => r.status === "pending" && r.objectsHash === objectsHash);
  const deployed = mine.find((r) => r.status === "deployed");
  const recorded = deployed?.objectsHash === objectsHash && !mine.some((r) => r.status === "pending");
  const calls = deployedCalls ? diffCalls(deployedCalls, service.calls) : undefined;
  const sharedUsed = shared ? sharedConfigUsed(service, shared.owners) : [];
  return {
    service: service.spec.name,
    file: service.file,
    ...(liveVersion ? { liveVersion } : {}),
    newVersion: service.spec.version,
    rollout: rolloutPlan(service, env, desired, liveVersion),
    parameters: shownParameters(service.spec.parameters, service.parameters),
    dependsOn: service.spec.dependsOn ?? [],
    objects,
    rendered: desired,
    objectsHash,
    ...(pending ? { resumes: pending.revision } : {}),
    ...(service.spec.migrations
      ? {
          migrations:
            service.spec.migrations.mode === "job"
              ? `run migrations as a Job from the new image (${[...(service.spec.migrations.job?.command ?? []), ...(service.spec.migrations.job?.args ?? [])].join(" ")}) and wait for it`
              : `check the pending migrations of database "${service.spec.migrations.database}" against the running version, then apply them (${service.migrations.length} file(s) defined; applied ones are skipped)`,
        }
      : {}),
    ...(calls && (calls.added.length || calls.removed.length || calls.changed.length) ? { calls } : {}),
    ...(sharedUsed.length ? { sharedConfig: sharedUsed } : {}),
    ...(kept.length ? { kept } : {}),
    // Without the server's state (render, offline plans) nothing is said about the audit index.
    audit: audit
      ? service.calls
          .filter((c) => c.audited)
          .map((c) => planAuditCall(service.spec.name, c, audit.get(c.name), env.search?.indexPrefix))
      : [],
    changed: objectsChange(objects) || !recorded,
    recorded,
  };
}

const objectsChange = (objects: readonly ObjectChange[]): boolean =>
  objects.some((o) => o.action !== "unchanged");

/**
 * The service plan with its objects' changes as they will really be (the server's dry run can
 * find that an apply changes less than the definitions differ): changed again from them.
 */
export function withObjects(plan: ServicePlan, objects: readonly ObjectChange[]): ServicePlan {
  return { ...plan, objects, changed: objectsChange(objects) || !plan.recorded };
}

/** Whether a deploy of these services (and orphans) would change anything. */
export const planChanges = (services: readonly ServicePlan[], orphans: readonly ObjectChange[]): boolean =>
  services.some((p) => p.changed || p.audit.some((a) => a.change !== "none")) || orphans.length > 0;

/** Items by a key of theirs, in their order; items without one are left out. */
function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
