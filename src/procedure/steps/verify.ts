import { runJob } from "../../clients/kubernetes/wait-job.ts";
import { renderVerifyJob } from "../../render/workloads.ts";
import type { V1Job } from "@kubernetes/client-node";
import { canaryOf } from "../../plan/rollout-plan.ts";
import {
  failedStep,
  indentLines,
  releaseOf,
  succeeded,
  type ServiceRun,
  type Step,
  type StepResult,
} from "../step.ts";

const verifications = (run: Pick<ServiceRun, "service">): string[] =>
  Object.keys(run.service.spec.verify ?? {}).sort();

/**
 * The new version's own tests against itself (smoke, contract), after the rollout and before
 * the release counts as deployed: a failure rolls it back like a failed rollout.
 */
export const verify: Step = {
  name: "verify",
  phase: "rollout",
  // A canary runs them itself, against its own pods, after its first weight.
  needed: ({ plan, service }) =>
    plan.changed && verifications({ service }).length > 0 && !canaryOf(plan.rollout),
  describe: (planned) =>
    `verify the new version: run Job(s) ${verifications(planned).join(", ")} and wait for them to succeed`,
  run: (run) => runVerifications(run),
};

/**
 * Runs the service's verification Jobs in name order, each to its end; the first failure stops
 * them. `target`: the URL they are told to call (SLIPWAY_TARGET_URL), a canary's own Service.
 */
export async function runVerifications(run: ServiceRun, target?: string): Promise<StepResult> {
  const release = releaseOf(run);
  const passed: string[] = [];
  for (const name of verifications(run)) {
    // Named by revision: a resumed deploy waits for the Job it started instead of a second one.
    const job = withTarget(
      renderVerifyJob(
        { project: run.project, env: run.env, service: run.service },
        name,
        `r${release.revision}`,
      ),
      target,
    );
    const result = await runJob(run.cluster, job, {
      timeoutMs: run.options.timeoutMs,
      onProgress: (message) => run.progress(`verifying ${name}: ${message}`),
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    if (result.logs.trim()) run.detail(`logs of ${result.name}:\n${indentLines(result.logs)}`);
    release.checks.push({
      check: `verify/${name}`,
      outcome: result.successful ? "passed" : "failed",
      message: `Job ${result.name} ${result.message}`,
    });
    if (!result.successful) {
      if (run.options.signal?.aborted) throw run.options.signal.reason ?? new Error("interrupted");
      return failedStep(
        `verification ${name} failed: Job ${result.name} ${result.message}`,
        false,
        result.evidence,
      );
    }
    passed.push(name);
  }
  return succeeded(`verified: ${passed.join(", ")} passed`);
}

export const targetVariable = "SLIPWAY_TARGET_URL";

const withTarget = (job: V1Job, target: string | undefined): V1Job => {
  if (!target) return job;
  const copy = structuredClone(job);
  for (const container of copy.spec?.template.spec?.containers ?? [])
    container.env = [...(container.env ?? []), { name: targetVariable, value: target }];
  return copy;
};
