import { flywayChecksum } from "../migrations/checksum.ts";
import { withStatements, type ReleaseRecord, type StepRecord } from "../release/record.ts";
import { splitStatements } from "../checks/migrations/dynamic-proof.ts";
import type { ReleaseStore } from "../release/store.ts";
import type { ServiceModel } from "../definitions/model.ts";
import type { ServicePlan } from "../plan/plan.ts";
import type { DeployOptions } from "./options.ts";
import type { StepName } from "./step.ts";
import { breakGlassLine } from "../windows/break-glass.ts";

export interface BegunRelease {
  readonly release: ReleaseRecord;
  readonly previous?: ReleaseRecord;
  /** Steps an interrupted deploy of the same objects had finished: they do not run again. */
  readonly resumedAfter?: readonly StepName[];
  /** How many revisions the service has with this one, as read under the lock: what closing it trims. */
  readonly revisions: number;
}

/** Journal names of older releases, read as the steps they are now. */
const renamed: Readonly<Record<string, StepName>> = { wait: "rollout" };

export const doneSteps = (steps: readonly StepRecord[]): StepName[] =>
  steps.filter((s) => s.status === "done").map((s) => (renamed[s.step] ?? s.step) as StepName);

/**
 * Begins the release of one service, or takes up the pending one of the same objects that an
 * interrupted deploy left (a pending release of other objects is marked failed and superseded).
 */
export async function beginRelease(
  store: ReleaseStore,
  env: string,
  service: ServiceModel,
  plan: ServicePlan,
  options: DeployOptions,
): Promise<BegunRelease> {
  // Read again under the lock (the plan was made before it): one LIST serves all three questions.
  const history = await store.summaries(plan.service);
  const withStatus = (status: "pending" | "deployed"): Promise<ReleaseRecord | undefined> => {
    const summary = history.find((h) => h.status === status);
    return summary ? store.get(plan.service, summary.revision) : Promise.resolve(undefined);
  };
  const pending = await withStatus("pending");
  const previous = await withStatus("deployed");
  const withPrevious = previous ? { previous } : {};
  if (pending && pending.objectsHash === plan.objectsHash)
    return {
      release: pending,
      ...withPrevious,
      resumedAfter: doneSteps(pending.steps),
      revisions: history.length,
    };
  // Its canary, if it had one, is removed when the newer deploy's canary starts.
  if (pending) await endUnfinished(store, pending, "interrupted; superseded by a newer deploy");
  const digest = options.digests?.get(plan.service);
  const skipped = options.skippedCi
    ? `CI check skipped by ${options.deployedBy}: ${options.skippedCi.reason}`
    : undefined;
  const brokeGlass = options.breakGlass ? breakGlassLine(options.breakGlass) : undefined;
  // What this version runs, as it says itself: a later `rollback --to` prepares them.
  const shipped = service.queryFile
    ? await splitStatements(service.queryFile).catch(() => [] as string[])
    : [];
  const release: ReleaseRecord = {
    service: plan.service,
    environment: env,
    revision: (history[0]?.revision ?? 0) + 1,
    version: service.spec.version,
    digests: digest ? { [plan.service]: digest } : {},
    status: "pending",
    objects: plan.rendered,
    objectsHash: plan.objectsHash,
    calls: service.calls,
    parameters: plan.parameters,
    checks: [],
    migrations: service.migrations.map((m) => ({ name: m.name, checksum: flywayChecksum(m.sql) })),
    ...(shipped.length ? { statements: withStatements(undefined, shipped, "queries-file") } : {}),
    steps: [],
    deployedBy: options.deployedBy,
    commit: options.commit,
    startedAt: new Date().toISOString(),
    description: `${options.promotion ? `promote ${service.spec.version} from ${options.promotion.from}` : `deploy ${service.spec.version}`}${skipped ? ` (${skipped})` : ""}`,
    ...(options.promotion ? { promotion: options.promotion } : {}),
    overrides: [...(skipped ? [skipped] : []), ...(brokeGlass ? [brokeGlass] : [])],
    ...(options.breakGlass ? { breakGlass: options.breakGlass } : {}),
  };
  await store.create(release);
  return { release, ...withPrevious, revisions: history.length + 1 };
}

/** Journals one step: the record a re-run resumes from. */
export async function journal(
  store: ReleaseStore,
  release: ReleaseRecord,
  step: StepName,
  status: "done" | "failed",
  message: string,
): Promise<void> {
  release.steps.push({ step, status, at: new Date().toISOString(), message });
  await store.update(release);
}

/**
 * The release is deployed: the one before it is superseded, and history is trimmed (`revisions`:
 * how many the service has, when known; no more than the store keeps needs no look).
 */
export async function closeRelease(
  store: ReleaseStore,
  release: ReleaseRecord,
  previous: ReleaseRecord | undefined,
  revisions?: number,
): Promise<void> {
  if (previous && previous.revision !== release.revision) {
    previous.status = "superseded";
    await store.update(previous);
  }
  await store.trim(release.service, revisions);
}

/** A pending release that will not be finished: failed, saying why, its canary (if any) aborted. */
export async function endUnfinished(store: ReleaseStore, release: ReleaseRecord, why: string): Promise<void> {
  release.status = "failed";
  release.finishedAt = new Date().toISOString();
  release.description += ` (${why})`;
  if (release.canary) {
    release.canary.state = "aborted";
    delete release.canary.paused;
  }
  await store.update(release);
}
