import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import type { ServicePlan } from "../plan/plan.ts";
import type { ReleaseRecord } from "../release/record.ts";
import type { ReleaseStore } from "../release/store.ts";
import type { DeployEventSink } from "./events.ts";
import type { DeployOptions } from "./options.ts";
import { stepsFor } from "./plan-steps.ts";
import { beginRelease, closeRelease, journal } from "./release.ts";
import type { ServiceResult } from "./report.ts";
import { rollBack } from "./rollback.ts";
import { objectsToApply, type ServiceRun, type Step, type StepResult } from "./step.ts";

export interface ServiceDeploy {
  readonly cluster: Cluster;
  readonly project: string;
  readonly env: EnvironmentModel;
  readonly store: ReleaseStore;
  readonly options: DeployOptions;
  readonly emit: DeployEventSink;
}

function serviceRun(
  deploy: ServiceDeploy,
  service: ServiceModel,
  plan: ServicePlan,
  release?: { release: ReleaseRecord; previous?: ReleaseRecord; resumed: boolean },
): ServiceRun & { current?: Step } {
  const started = Date.now();
  const run: ServiceRun & { current?: Step } = {
    ...deploy,
    service,
    plan,
    resumed: release?.resumed ?? false,
    ...(release?.release ? { release: release.release } : {}),
    ...(release?.previous ? { previous: release.previous } : {}),
    progress: (message, pods) =>
      deploy.emit({
        type: "step-progress",
        service: plan.service,
        step: run.current?.name ?? "gate",
        message,
        live: true,
        ...(pods ? { pods } : {}),
        elapsedMs: Date.now() - started,
      }),
    detail: (message) =>
      deploy.emit({
        type: "step-progress",
        service: plan.service,
        step: run.current?.name ?? "gate",
        message,
        live: false,
        elapsedMs: Date.now() - started,
      }),
  };
  return run;
}

async function runStep(
  run: ServiceRun & { current?: Step },
  step: Step,
  how: "run" | "dryRun",
): Promise<StepResult> {
  run.current = step;
  run.emit({
    type: "step-started",
    service: run.plan.service,
    step: step.name,
    description: step.describe(run),
  });
  const result = await (how === "dryRun" && step.dryRun ? step.dryRun(run) : step.run(run));
  return result;
}

const finished = (run: ServiceRun, step: Step, result: StepResult): void =>
  run.emit({
    type: "step-finished",
    service: run.plan.service,
    step: step.name,
    outcome: result.ok ? "done" : "failed",
    message: result.message,
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
  const name = plan.service;

  if (deploy.options.dryRun) {
    const run = serviceRun(deploy, service, plan);
    for (const step of steps.filter((s) => s.dryRun)) finished(run, step, await runStep(run, step, "dryRun"));
    const deletions = plan.objects.filter((o) => o.action === "prune").length;
    return {
      service: name,
      outcome: "dry-run",
      message: `server accepted ${objectsToApply(plan).length} object(s) and ${deletions} deletion(s) in a dry run`,
    };
  }

  // Unchanged objects: no release is begun; only steps that apply then (the audit index) run.
  if (!plan.changed) {
    const run = serviceRun(deploy, service, plan);
    for (const step of steps.filter((s) => s.evenWhenUnchanged)) {
      const result = await runStep(run, step, "run");
      finished(run, step, result);
      if (!result.ok) return { service: name, outcome: "failed", message: result.message };
    }
    return {
      service: name,
      outcome: "unchanged",
      message: steps.length ? "no changes but its audit index, now updated" : "no changes",
    };
  }

  const begun = await beginRelease(deploy.store, deploy.env.name, service, plan, deploy.options);
  const { release } = begun;
  const run = serviceRun(deploy, service, plan, { ...begun, resumed: begun.resumedAfter !== undefined });
  deploy.emit({
    type: "service-started",
    service: name,
    revision: release.revision,
    ...(begun.resumedAfter ? { resumedAfter: begun.resumedAfter } : {}),
  });
  const done = new Set(begun.resumedAfter ?? []);
  for (const step of steps.filter((s) => !done.has(s.name))) {
    const result = await runStep(run, step, "run");
    await journal(deploy.store, release, step.name, result.ok ? "done" : "failed", result.message);
    finished(run, step, result);
    if (result.ok) continue;
    if (step.phase === "rollout" && !("nothingChanged" in result && result.nothingChanged))
      return rollBack(run, result.message);
    return stopBeforeChange(run, step, result.message, step.phase === "before-rollout");
  }
  await closeRelease(deploy.store, release, begun.previous);
  return {
    service: name,
    outcome: "deployed",
    revision: release.revision,
    message: `revision ${release.revision}: ${service.spec.version}`,
  };
}

/** Ends a service's deploy before anything of the new version ran: the record says which step refused. */
async function stopBeforeChange(
  run: ServiceRun,
  step: Step,
  reason: string,
  beforeRollout: boolean,
): Promise<ServiceResult> {
  const release = run.release as ReleaseRecord;
  const said = beforeRollout ? "nothing rolled out" : "nothing changed";
  release.status = "failed";
  release.finishedAt = new Date().toISOString();
  release.description += ` (${step.name} failed; ${said})`;
  await run.store.update(release);
  return {
    service: release.service,
    outcome: "failed",
    revision: release.revision,
    message: `${reason}; ${said}`,
  };
}
