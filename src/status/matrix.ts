import type { KubernetesObject } from "@kubernetes/client-node";
import { liveVersionOf } from "../plan/live-state.ts";
import type { ReleaseSummary } from "../release/record.ts";
import type { Signoff } from "../release/signoff.ts";
import { digestOf, foreignEdits, lockOf, signoffsOf, summariesOf, type LockState } from "./objects.ts";
import type { EnvironmentSnapshot, PlatformSnapshot } from "./platform-cache.ts";
import type { EnvironmentModel } from "../definitions/model.ts";
import { fleetJournalName, fleetJournalOf, type FleetJournalRecord } from "../fleet/journal.ts";
import { columnName } from "./fleet-columns.ts";
import { freezeText } from "../windows/format.ts";
import { Windows } from "../windows/state.ts";

/**
 * Where a service's latest release stands in an environment, in the user's words: deployed;
 * failed (and whether Slipway rolled back by itself); rolled back (by `slipway rollback`);
 * in progress (its deploy holds the lock); interrupted (pending, nobody holds the lock: a
 * re-run resumes it); or never deployed.
 */
export type ReleaseState = "deployed" | "failed" | "rolled-back" | "in-progress" | "interrupted" | "never";

export interface PromotionState {
  /** The earlier environment the version must have run in. */
  readonly from: string;
  readonly version: string;
  readonly deployedThere: boolean;
  /** Whether the environment requires a sign-off there (promotion.signoff is not false). */
  readonly signoffRequired: boolean;
  readonly signoff?: Signoff;
}

export interface MatrixCell {
  readonly service: string;
  /** Its column's name: the environment's, or `prod · eu-1` for one cluster of a fleet. */
  readonly environment: string;
  /** The version the definitions give for this environment. */
  readonly definedVersion: string;
  readonly liveVersion?: string;
  readonly digest?: string;
  readonly state: ReleaseState;
  /** The latest release (the one `state` describes). */
  readonly latest?: ReleaseSummary;
  /** The revision a failed release went back to, or the one a `slipway rollback` restored. */
  readonly rolledBackTo?: string;
  /** Why the live objects look changed by hand: empty when they do not. */
  readonly drift: readonly string[];
  readonly promotion?: PromotionState;
  /** A sign-off of the version this environment runs. */
  readonly signoff?: Signoff;
  /** In a fleet whose clusters run different versions: cluster → the version it runs ("" for none). */
  readonly fleetVersions?: Readonly<Record<string, string>>;
}

export interface MatrixEnvironment {
  /** The column's name: the environment's, or `prod · eu-1` for one cluster of a fleet. */
  readonly name: string;
  readonly environment: string;
  /** The fleet cluster this column is. */
  readonly cluster?: string;
  readonly namespace: string;
  readonly lock?: LockState;
  /** Kinds the API server did not answer for: the cells show the last objects read. */
  readonly errors: readonly string[];
  readonly synced: boolean;
  /** Nothing was ever read (the API server has not answered yet): cells would only guess. */
  readonly unreadable: boolean;
  /** Frozen by its deploy windows now: why, and when it next opens (ISO 8601) if within 400 days. */
  readonly frozen?: { readonly because: string; readonly until?: string };
}

/** A fleet environment: its columns, one per cluster in wave order, and its last deploy's journal. */
export interface MatrixFleet {
  readonly environment: string;
  readonly clusters: readonly string[];
  /** Read from the home cluster's journal (fleet/journal.ts); absent before the first fleet deploy. */
  readonly lastDeploy?: FleetJournalRecord;
}

export interface Matrix {
  /** Its columns: one per environment, one per cluster of a fleet. */
  readonly environments: readonly MatrixEnvironment[];
  readonly fleets: readonly MatrixFleet[];
  /** Service names, in the first environment's dependency order, then any others. */
  readonly services: readonly string[];
  readonly cells: readonly MatrixCell[];
}

export const cellOf = (matrix: Matrix, service: string, environment: string): MatrixCell | undefined =>
  matrix.cells.find((c) => c.service === service && c.environment === environment);

/** The matrix from the cache's objects alone: no request, so a page load costs none. */
export function buildMatrix(snapshot: PlatformSnapshot, now = Date.now()): Matrix {
  const { project } = snapshot;
  const read = new Map(snapshot.environments.map((e) => [columnName(e.env), readEnvironment(e, now)]));
  // By environment name, a fleet reads as its first (home) cluster: what promotion compares with.
  const byEnvironment = new Map<string, ReadEnvironment>();
  for (const e of snapshot.environments)
    if (!byEnvironment.has(e.env.name))
      byEnvironment.set(e.env.name, read.get(columnName(e.env)) as ReadEnvironment);
  const services: string[] = [];
  for (const e of snapshot.environments)
    for (const s of project.services.get(e.env.name) ?? [])
      if (!services.includes(s.spec.name)) services.push(s.spec.name);
  const cells = snapshot.environments.flatMap((e) =>
    (project.services.get(e.env.name) ?? []).map((model): MatrixCell => {
      const name = model.spec.name;
      const here = read.get(columnName(e.env)) as ReadEnvironment;
      const mine = here.summaries.filter((s) => s.service === name);
      const latest = mine[0];
      const deployed = mine.find((s) => s.status === "deployed");
      const liveVersion = liveVersionOf(here.workloads, name);
      const workload =
        here.workloads.find((o) => o.kind === "Deployment" && o.metadata?.name === name) ??
        here.workloads.find(
          (o) => o.kind === "CronJob" && o.metadata?.labels?.["app.kubernetes.io/name"] === name,
        );
      const { state, rolledBackTo } = stateOf(latest, deployed, here.lock);
      const promotion = e.env.promotion;
      const earlier = promotion ? byEnvironment.get(promotion.from) : undefined;
      const version = model.spec.version;
      return {
        service: name,
        environment: columnName(e.env),
        definedVersion: version,
        ...(liveVersion ? { liveVersion } : {}),
        ...(digestOf(workload) ? { digest: digestOf(workload) as string } : {}),
        state,
        ...(latest ? { latest } : {}),
        ...(rolledBackTo ? { rolledBackTo } : {}),
        drift: driftOf(name, deployed, liveVersion, here.workloads, state),
        ...(promotion
          ? {
              promotion: {
                from: promotion.from,
                version,
                deployedThere:
                  earlier?.summaries.some(
                    (s) =>
                      s.service === name &&
                      s.version === version &&
                      (s.status === "deployed" || s.status === "superseded"),
                  ) ?? false,
                signoffRequired: promotion.signoff !== false,
                ...signoffField(earlier?.signoffs, name, version),
              },
            }
          : {}),
        ...(liveVersion ? signoffField(here.signoffs, name, liveVersion) : {}),
      };
    }),
  );
  return {
    environments: snapshot.environments.map((e) => {
      const here = read.get(columnName(e.env)) as ReadEnvironment;
      const kinds = Object.values(e.kinds);
      const errors = kinds.flatMap((k) => (k.error ? [k.error] : []));
      return {
        name: columnName(e.env),
        environment: e.env.name,
        ...(e.env.member ? { cluster: e.env.member } : {}),
        namespace: e.env.cluster.namespace,
        ...(here.lock ? { lock: here.lock } : {}),
        errors,
        synced: kinds.every((k) => k.synced),
        unreadable: neverRead(e),
        ...frozenField(e.env, now),
      };
    }),
    fleets: fleetsOf(snapshot),
    services,
    cells: withFleetVersions(snapshot, cells),
  };
}

/** The API server failed every attempt so far: the column has nothing to show. */
const neverRead = (e: EnvironmentSnapshot): boolean =>
  Object.values(e.kinds).some((k) => k.error !== undefined && !k.synced);

function fleetsOf(snapshot: PlatformSnapshot): MatrixFleet[] {
  const fleets: MatrixFleet[] = [];
  for (const e of snapshot.environments) {
    if (!e.env.member || fleets.some((f) => f.environment === e.env.name)) continue;
    // The first of a fleet's columns is its home cluster, where its journal is kept.
    const lastDeploy = fleetJournalOf(
      e.kinds.journals.objects.find((o) => o.metadata?.name === fleetJournalName),
    );
    fleets.push({
      environment: e.env.name,
      clusters: snapshot.environments.filter((x) => x.env.name === e.env.name).map((x) => x.env.member ?? ""),
      ...(lastDeploy ? { lastDeploy } : {}),
    });
  }
  return fleets;
}

/** Marks a fleet's cells for a service whose clusters run different versions, with each one's. */
function withFleetVersions(snapshot: PlatformSnapshot, cells: MatrixCell[]): MatrixCell[] {
  // A cluster never read runs nothing we know of: it is not counted as differing.
  const memberOf = new Map(
    snapshot.environments.flatMap((e) =>
      e.env.member && !neverRead(e) ? [[columnName(e.env), e.env] as const] : [],
    ),
  );
  const versions = new Map<string, Record<string, string>>();
  for (const cell of cells) {
    const env = memberOf.get(cell.environment);
    if (!env?.member) continue;
    const key = `${env.name}\u0000${cell.service}`;
    versions.set(key, { ...versions.get(key), [env.member]: cell.liveVersion ?? "" });
  }
  return cells.map((cell) => {
    const env = memberOf.get(cell.environment);
    const all = env ? versions.get(`${env.name}\u0000${cell.service}`) : undefined;
    return all && new Set(Object.values(all)).size > 1 ? { ...cell, fleetVersions: all } : cell;
  });
}

/** An environment's freeze at `now`, from its windows alone: no request. */
function frozenField(env: EnvironmentModel, now: number): { frozen?: MatrixEnvironment["frozen"] } {
  const windows = new Windows(env.windows);
  const state = windows.stateAt(now);
  if (!state.frozen) return {};
  const until = windows.nextOpen(now);
  return {
    frozen: {
      because: freezeText(state),
      ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
    },
  };
}

interface ReadEnvironment {
  readonly summaries: ReleaseSummary[];
  readonly signoffs: Signoff[];
  readonly workloads: readonly KubernetesObject[];
  readonly lock?: LockState;
}

function readEnvironment(e: EnvironmentSnapshot, now: number): ReadEnvironment {
  const lock = lockOf(e.kinds.leases.objects, now);
  return {
    summaries: summariesOf(e.kinds.releases.objects),
    signoffs: signoffsOf(e.kinds.signoffs.objects),
    workloads: [...e.kinds.deployments.objects, ...e.kinds.cronJobs.objects],
    ...(lock ? { lock } : {}),
  };
}

const signoffField = (
  signoffs: readonly Signoff[] | undefined,
  service: string,
  version: string,
): { signoff?: Signoff } => {
  const found = signoffs?.find((s) => s.service === service && s.version === version);
  return found ? { signoff: found } : {};
};

function stateOf(
  latest: ReleaseSummary | undefined,
  deployed: ReleaseSummary | undefined,
  lock: LockState | undefined,
): { state: ReleaseState; rolledBackTo?: string } {
  if (!latest) return { state: "never" };
  if (latest.status === "pending") return { state: lock && !lock.expired ? "in-progress" : "interrupted" };
  if (latest.status === "failed")
    return deployed
      ? { state: "failed", rolledBackTo: `revision ${deployed.revision} (${deployed.version})` }
      : { state: "failed" };
  const back = /^rollback to (revision \d+ \(.*\))$/.exec(latest.description);
  if (back?.[1]) return { state: "rolled-back", rolledBackTo: back[1] };
  return { state: "deployed" };
}

function driftOf(
  service: string,
  deployed: ReleaseSummary | undefined,
  liveVersion: string | undefined,
  workloads: readonly KubernetesObject[],
  state: ReleaseState,
): string[] {
  // While a deploy runs, live objects are part-way to the new revision: not drift.
  if (!deployed || state === "in-progress") return [];
  const reasons: string[] = [];
  if (!liveVersion) reasons.push(`revision ${deployed.revision} is deployed, but no workload of it runs`);
  else if (liveVersion !== deployed.version)
    reasons.push(`runs ${liveVersion}, but the deployed release is ${deployed.version}`);
  for (const w of workloads.filter((o) => o.metadata?.labels?.["app.kubernetes.io/name"] === service))
    for (const edit of foreignEdits(w))
      reasons.push(
        `${w.kind}/${w.metadata?.name} edited by ${edit.manager}${edit.at ? ` at ${edit.at}` : ""}`,
      );
  return reasons;
}
