import { waitForRollout } from "../../clients/kubernetes/wait-rollout.ts";
import { canaryOf } from "../../plan/rollout-plan.ts";
import { labelSafe } from "../../render/labels.ts";
import { failedStep, succeeded, type Step } from "../step.ts";

/** Watches the Deployment until the new version is available, or the rollout is hopeless. */
export const rollout: Step = {
  name: "rollout",
  phase: "rollout",
  // A canary replaces it (steps/canary.ts).
  needed: ({ plan }) =>
    plan.changed && plan.rendered.some((o) => o.kind === "Deployment") && !canaryOf(plan.rollout),
  describe: () => "wait for the Deployment to roll out (roll back by itself on failure)",
  async run(run) {
    const deployment = run.plan.rendered.find((o) => o.kind === "Deployment");
    const started = Date.now();
    const verdict = await waitForRollout(run.cluster, {
      namespace: run.env.cluster.namespace,
      service: run.plan.service,
      deployment: deployment?.metadata?.name ?? run.plan.service,
      since: run.handed.appliedAt ?? new Date(started),
      version: labelSafe(run.service.spec.version),
      timeoutMs: run.options.timeoutMs,
      onProgress: (p) => run.progress(p.message, { ready: p.ready, desired: p.desired }),
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    if (verdict.successful) return succeeded(`rolled out: ${verdict.message}`);
    if (run.options.signal?.aborted) throw run.options.signal.reason ?? new Error("interrupted");
    return failedStep(`rollout failed: ${verdict.message}`, false, verdict.evidence);
  },
};
