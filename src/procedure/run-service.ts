import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import type { ServicePlan } from "../plan/plan.ts";
import type { ReleaseStore } from "../release/store.ts";
import type { DeployEventSink } from "./events.ts";
import type { DeployOptions } from "./options.ts";
import { stepsFor } from "./plan-steps.ts";
import { beginRelease, closeRelease, journal, type BegunRelease } from "./release.ts";
import type { ServiceResult } from "./report.ts";
import { rollBack } from "./rollback.ts";
import {
  objectsToApply,
  releaseOf,
  type HandedOn,
  type ServiceRun,
  type Step,
  type StepResult,
} from "./step.ts";

/** What every service of one deploy shares. */
export interface ServiceDeploy {
  readonly cluster: Cluster;
  readonly project: string;
  readonly env: EnvironmentModel;
  readonly store: ReleaseStore;
  readonly options: DeployOptions;
  readonly emit: DeployEventSink;
  /** Throws when this deploy no longer holds the environment's lock: called before each write. */
  readonly guard: () => Promise<void>;
}

/** Runs one step, telling the stream as it starts; its progress is tagged with its name. */
async function runStep(run: ServiceRun, step: Step, dry = false): Promise<StepResult> {
  const service = run.plan.service;
  const started = Date.now();
  const tell = (message: string, live: boolean, pods?: { ready: number; desired: number }): void =>
    run.emit({
      type: "step-progress",
      service,
      step: step.name,
      message,
      live,
      ...(pods ? { pods } : {}),
      elapsedMs: Date.now() - started,
    });
  const tagged: ServiceRun = {
    ...run,
    progress: (message, pods) => tell(message, true, pods),
    detail: (message) => tell(message, false),
  };
  run.emit({ type: "step-started", service, step: step.name, description: step.describe(run) });
  return dry && step.dryRun ? step.dryRun(tagged) : step.run(tagged);
}

/** Told once the step's outcome is recorded: a step that "finished" is one a re-run skips. */
const finished = (run: ServiceRun, step: Step, result: StepResult): void =>
  run.emit({
    type: "step-finished",
    service: run.plan.service,
    step: step.name,
    outcome: result.ok ? "done" : "failed",
    message: result.message,
    ...(!result.ok && result.evidence?.length ? { evidence: result.evidence } : {}),
  });

/**
 * Walks one service through the procedure's steps: each journalled in its release, so a
 * re-run resumes after the last one done; a failed step stops the service before the
 * rollout, or rolls it back from the rollout on.
 */
export async function runService(
  deploy: ServiceDeploy,
  service: ServiceModel,
  plan: ServicePlan,
): Promise<ServiceResult> {
  const steps = stepsFor({ plan, service });
  const runOf = (begun?: BegunRelease): ServiceRun => ({
    ...deploy,
    ...begun,
    service,
    plan,
    resumed: begun?.resumedAfter !== undefined,
    progress: () => undefined,
    detail: () => undefined,
    handed: {},
  });
  const result = (
    outcome: ServiceResult["outcome"],
    message: string,
    revision?: number,
    failedStep?: Step["name"],
  ): ServiceResult => ({
    service: plan.service,
    outcome,
    message,
    ...(revision === undefined ? {} : { revision }),
    ...(failedStep ? { failedStep } : {}),
  });

  if (deploy.options.dryRun) {
    const run = runOf();
    let handed: HandedOn = {};
    for (const step of steps.filter((s) => s.dryRun)) {
      const outcome = await runStep({ ...run, handed }, step, true);
      if (outcome.ok) handed = { ...handed, ...outcome.handOn };
      finished(run, step, outcome);
    }
    const deletions = plan.objects.filter((o) => o.action === "prune").length;
    return result(
      "dry-run",
      `server accepted ${objectsToApply(plan).length} object(s) and ${deletions} deletion(s) in a dry run`,
    );
  }

  // Unchanged objects: no release is begun; only steps that apply then (the audit index) run.
  if (!plan.changed) {
    const run = runOf();
    let handed: HandedOn = {};
    for (const step of steps.filter((s) => s.evenWhenUnchanged)) {
      const outcome = await runStep({ ...run, handed }, step);
      finished(run, step, outcome);
      if (!outcome.ok) return result("failed", outcome.message);
      handed = { ...handed, ...outcome.handOn };
    }
    return result("unchanged", steps.length ? "no changes but its audit index, now updated" : "no changes");
  }

  await deploy.guard();
  const begun = await beginRelease(deploy.store, deploy.env.name, service, plan, deploy.options);
  const run = runOf(begun);
  const release = releaseOf(run);
  deploy.emit({
    type: "service-started",
    service: plan.service,
    revision: release.revision,
    ...(begun.resumedAfter ? { resumedAfter: begun.resumedAfter } : {}),
  });
  // Killed during its automatic rollback: the step that failed from the rollout on is journalled,
  // so the rollback is what resumes, not another try of that step.
  const failure = begun.resumedAfter ? release.failure : undefined;
  const failedFrom = steps.find((s) => s.name === failure?.step)?.phase;
  if (failure && failedFrom && failedFrom !== "before-rollout") {
    const evidence = failure.evidence.length ? { evidence: failure.evidence } : {};
    await deploy.guard();
    return { ...(await rollBack(run, failure.message, { resumed: true })), ...evidence };
  }
  const done = new Set(begun.resumedAfter ?? []);
  // What the steps give the later ones (apply's time, for the rollout): only from this run's
  // steps, since a resumed deploy skips the ones done before.
  let handed: HandedOn = {};
  for (const step of steps.filter((s) => !done.has(s.name))) {
    await deploy.guard();
    const outcome = await runStep({ ...run, handed }, step);
    await deploy.guard();
    // The record says why with the journal entry: the step, its message, the pods' evidence.
    if (!outcome.ok)
      release.failure = { step: step.name, message: outcome.message, evidence: outcome.evidence ?? [] };
    await journal(deploy.store, release, step.name, outcome.ok ? "done" : "failed", outcome.message);
    finished(run, step, outcome);
    if (outcome.ok) {
      handed = { ...handed, ...outcome.handOn };
      continue;
    }
    const evidence = outcome.evidence?.length ? { evidence: outcome.evidence } : {};
    const changedNothing =
      step.phase === "before-rollout" || ("nothingChanged" in outcome && outcome.nothingChanged);
    if (!changedNothing) return { ...(await rollBack(run, outcome.message)), ...evidence };
    // Nothing of the new version runs: the record says which step refused, and why.
    const said = step.phase === "before-rollout" ? "nothing rolled out" : "nothing changed";
    release.status = "failed";
    release.finishedAt = new Date().toISOString();
    release.description += ` (${step.name} failed; ${said})`;
    await deploy.store.update(release);
    return { ...result("failed", `${outcome.message}; ${said}`, release.revision, step.name), ...evidence };
  }
  await deploy.guard();
  await closeRelease(deploy.store, release, begun.previous, begun.revisions);
  return result("deployed", `revision ${release.revision}: ${service.spec.version}`, release.revision);
}
