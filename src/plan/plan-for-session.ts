import { readLiveAudit } from "../audit/live.ts";
import pLimit from "p-limit";
import { GATE_CONCURRENCY, resolveImages, runGate } from "../checks/gate/gate.ts";
import type { RegistryClients } from "../checks/gate/image.ts";
import { checkMigrationFiles, type MigrationFilesVerdict } from "../checks/gate/migration-files.ts";
import { checkApproval, type ApprovalContext } from "../checks/gate/approval.ts";
import { checkCutover } from "../checks/gate/cutover.ts";
import { checkWindows } from "../checks/gate/window.ts";
import { checkPullSecret } from "../checks/gate/pull-secret.ts";
import { checkDatabases } from "../checks/gate/database.ts";
import { checkReferences } from "../checks/references/check.ts";
import { readNamespaceKeys } from "../checks/references/namespace-keys.ts";
import type { GateCheck, ServiceGate } from "../checks/gate/types.ts";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import { UsageError } from "../cli/usage-error.ts";
import { renderJobTemplates } from "../render/render.ts";
import { hashCanonical } from "../release/hash.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import {
  servicesIn,
  type CallContract,
  type EnvironmentModel,
  type ProjectModel,
  type ServiceModel,
} from "../definitions/model.ts";
import { readLiveState } from "./live-state.ts";
import { withAdoptions } from "./adopt.ts";
import { buildPlan, gateBlocks, planChanges, type Plan } from "./plan.ts";
import { withServerView } from "./server-view.ts";
import { dryRunApplies, dryRunBlocks } from "./server-dry-run.ts";

/** What a plan is made for: a project, one of its environments, and the clients that read it. */
export interface PlanningSession {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  /** The client that reads (and, for a deploy, changes) the environment's cluster. */
  readonly cluster: Cluster;
  /** The environment's search server, holding the audit indices; absent when it names none. */
  readonly search?: SearchClient;
  /** A client for another environment's cluster (the promotion check reads the earlier one). */
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
}

/**
 * A session that acts in `env` with `cluster` (a person's own credentials, on the dashboard)
 * and reads every other environment with `readerFor` (the dashboard's own identity, as its
 * pages read): the promotion check reads the earlier environment, which the person may not.
 */
export function sessionActingIn(args: {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  readonly cluster: Cluster;
  readonly readerFor: (env: EnvironmentModel) => Cluster;
  readonly search?: SearchClient;
}): PlanningSession {
  const { project, env, cluster, readerFor, search } = args;
  return {
    project,
    env,
    cluster,
    clusterFor: (other) => (other.name === env.name ? cluster : readerFor(other)),
    ...(search ? { search } : {}),
  };
}

export interface PlanOptions {
  readonly signal?: AbortSignal;
  /** --skip-ci-check: no CI or promotion check; the reason is recorded. */
  readonly skipCi?: { readonly reason: string };
  /** Digests to render instead of the registry's current ones (a move keeps what runs in the source). */
  readonly pinnedDigests?: ReadonlyMap<string, string>;
  /** --skip-dynamic-proof: a job-mode service's database need not answer this machine. */
  readonly skipDynamicProof?: boolean;
  /** A move into this environment brings it back up on purpose, even where a cutover stopped it. */
  readonly movingIn?: boolean;
  /** --force-conflicts: the server's dry run takes over fields other managers own, as the apply will. */
  readonly forceConflicts?: boolean;
  /** Where an environment that requires approval stands: a request being made, or approved. */
  readonly approval?: ApprovalContext;
  /** --break-glass --reason: deploy in a frozen environment, if the cluster's identity may. */
  readonly breakGlass?: { readonly reason: string };
  /** The command a refusal's way out tells to run again (`slipway deploy -e prod`). */
  readonly command?: string;
  /**
   * --reclaim: fields other managers added take Slipway's ownership first, so that the apply
   * removes them; implies --force-conflicts (the object is made as defined, whoever changed it).
   */
  readonly reclaim?: boolean;
}

/**
 * Reads everything a plan compares with (live objects, releases, audit indices, the registry),
 * builds the plan, then runs the "built and tested" gate on the services it would deploy and
 * dry-runs on the server the apply of each object it would update (conflicts, refusals).
 */
export async function planFor(
  session: PlanningSession,
  services: readonly string[],
  options: PlanOptions = {},
): Promise<Plan> {
  const { signal } = options;
  const planned = servicesIn(session.project, session.env.name, services);
  const namespace = session.env.cluster.namespace;
  const audited = auditedCalls(session, services);
  if (audited.length && !session.search)
    throw new UsageError(
      `environment ${session.env.name} names no search server, but ${audited.map((c) => `${c.service} audits ${c.call}`).join(", ")}`,
      "add search: { url } to the environment, or mark the calls audited: false",
    );
  // One client per registry host for the whole plan: verifying signatures reuses the
  // authorization that resolving the images learnt.
  const registries: RegistryClients = new Map();
  // Read before anything is written: an unreachable search server stops the deploy here.
  const [live, releases, audit, images] = await Promise.all([
    readLiveState(session.cluster, namespace, session.project.name, session.env.name, signal),
    new ReleaseStore(session.cluster, namespace).summaries(),
    session.search && audited.length
      ? readLiveAudit(
          session.search,
          audited.map((c) => c.call),
          session.env.search?.indexPrefix,
        )
      : undefined,
    resolveImages(session.env, planned, GATE_CONCURRENCY, registries),
  ]);
  const digests =
    options.pinnedDigests ??
    new Map(
      [...images].flatMap(([service, image]) => (image.digest ? [[service, image.digest] as const] : [])),
    );
  const deployedCalls = await readChangedDeployedCalls(session, planned, releases);
  const built = buildPlan({
    digests,
    deployedCalls,
    project: session.project,
    env: session.env,
    only: services,
    live,
    releases,
    ...(audit ? { audit } : {}),
  });
  // Objects to create that exist without Slipway's labels (kubectl's, `slipway import`'s source): adopted.
  const plan = {
    ...built,
    services: await withAdoptions(session.cluster, namespace, built.services, signal),
  };
  const changing = new Set(plan.services.filter((s) => s.changed).map((s) => s.service));
  const changingModels = planned.filter((s) => changing.has(s.spec.name));
  const [gates, pullSecret, databases, dryRuns, namespaceKeys, migrationFiles] = await Promise.all([
    runGate(
      {
        project: session.project,
        env: session.env,
        clusterFor: session.clusterFor,
        registries,
        ...(options.skipCi ? { skipCi: options.skipCi } : {}),
      },
      planned,
      images,
      changing,
    ),
    changing.size ? checkPullSecret(session.cluster, session.env) : undefined,
    // A move copies the databases' Secrets into the target after its plan: its steps check them.
    options.movingIn
      ? undefined
      : checkDatabases(session.cluster, session.env, changingModels, {
          skippingProof: options.skipDynamicProof === true,
        }),
    dryRunApplies(session.cluster, plan.services, {
      force: options.forceConflicts === true || options.reclaim === true,
      ...(signal ? { signal } : {}),
    }),
    // A move copies the references into the target after its plan, and reports the ones it cannot.
    changing.size && !options.movingIn ? readNamespaceKeys(session.cluster, namespace, signal) : undefined,
    // Only now, with the digest the deploy pins: migrations in the image are read from it.
    shippedMigrationFiles(session.env, changingModels, digests),
  ]);
  const cutover = options.movingIn
    ? undefined
    : checkCutover(
        session.env,
        live,
        planned.map((s) => s.spec.name),
      );
  // Deploy windows, when the plan changes anything: who breaks glass is the cluster's answer.
  const windows = plan.changed
    ? checkWindows(
        session.env,
        Date.now(),
        options.command ?? `slipway deploy -e ${session.env.name}`,
        options.breakGlass && session.env.windows?.length
          ? { identity: await session.cluster.identity(), reason: options.breakGlass.reason }
          : undefined,
      )
    : undefined;
  const approval = changing.size ? checkApproval(session.env, services, options.approval) : undefined;
  const checks = [windows?.check, approval, pullSecret, databases, cutover].filter(
    (c): c is GateCheck => c !== undefined,
  );
  const rendered = plan.services.flatMap((s) => s.rendered);
  const referencesOf = (s: Plan["services"][number]): GateCheck[] => {
    const model = changingModels.find((m) => m.spec.name === s.service);
    if (!model || !namespaceKeys) return [];
    return [
      checkReferences({
        service: s.service,
        namespace,
        objects: [
          ...s.rendered,
          ...renderJobTemplates(session.project.name, session.env, model, { digests }),
        ],
        listedSecrets: model.spec.secrets ?? [],
        live: namespaceKeys,
        rendered,
        ...(session.env.registry.pullSecret ? { coveredElsewhere: session.env.registry.pullSecret } : {}),
        ...(s.sharedConfig ? { sharedOwners: s.sharedConfig } : {}),
      }),
    ];
  };
  // What the apply really changes: the server's dry run leaves fields other managers added.
  const seen = withServerView(plan.services, live, dryRuns.leaves, options.reclaim === true);
  const gated = seen.map((s) => {
    const dryRun = dryRuns.byService.get(s.service);
    const gate = gates.find((g) => g.service === s.service) as ServiceGate;
    const files = migrationFiles.get(s.service);
    return {
      ...s,
      gate: { ...gate, checks: [...gate.checks, ...(files ? [files.check] : []), ...referencesOf(s)] },
      ...(files?.shipped ? { shippedMigrations: files.shipped } : {}),
      ...(dryRun?.objects ? { dryRun } : {}),
    };
  });
  return {
    ...plan,
    services: gated,
    changed: planChanges(gated, plan.orphans),
    checks,
    blocked: gateBlocks(gated, checks) || dryRunBlocks(gated),
    ...(windows?.breakGlass ? { breakGlass: windows.breakGlass } : {}),
  };
}

/**
 * The migration files of the changing services that ship them in their image, read from the
 * digest the plan renders. A service whose image did not resolve is left to its image check.
 */
async function shippedMigrationFiles(
  env: EnvironmentModel,
  changing: readonly ServiceModel[],
  digests: ReadonlyMap<string, string>,
): Promise<Map<string, MigrationFilesVerdict>> {
  const shipping = changing.filter((s) => s.spec.migrations?.image && digests.get(s.spec.name));
  const limit = pLimit(GATE_CONCURRENCY);
  const verdicts = await Promise.all(
    shipping.map((s) => limit(() => checkMigrationFiles(env, s, digests.get(s.spec.name) as string))),
  );
  return new Map(shipping.map((s, i) => [s.spec.name, verdicts[i] as MigrationFilesVerdict]));
}

/**
 * The call contracts of each deployed release whose calls differ from the definitions: the
 * summary carries their hash, so a plan reads a whole record only when a call changed.
 */
async function readChangedDeployedCalls(
  session: PlanningSession,
  planned: readonly ServiceModel[],
  releases: readonly ReleaseSummary[],
): Promise<Map<string, readonly CallContract[]>> {
  const store = new ReleaseStore(session.cluster, session.env.cluster.namespace);
  const changed = planned
    .map((s) => ({
      service: s,
      deployed: releases
        .filter((r) => r.service === s.spec.name && r.status === "deployed")
        .sort((a, b) => b.revision - a.revision)[0],
    }))
    .filter(({ service, deployed }) => deployed && deployed.callsHash !== hashCanonical(service.calls));
  const records = await Promise.all(
    changed.map(({ service, deployed }) => store.get(service.spec.name, deployed?.revision ?? 0)),
  );
  return new Map(records.map((r) => [r.service, r.calls]));
}

/** The audited calls of the services a command is about (all when none is named). */
export function auditedCalls(
  session: PlanningSession,
  services: readonly string[],
): { service: string; call: string }[] {
  return servicesIn(session.project, session.env.name, services).flatMap((s) =>
    s.calls.filter((c) => c.audited).map((c) => ({ service: s.spec.name, call: c.name })),
  );
}
