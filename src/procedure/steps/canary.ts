import type { KubernetesObject } from "@kubernetes/client-node";
import type { FailureEvidence } from "../../checks/rollout/evidence.ts";
import { applyAll } from "../../clients/kubernetes/apply-objects.ts";
import { waitForRollout } from "../../clients/kubernetes/wait-rollout.ts";
import { canaryStepText } from "../../canary/format.ts";
import { canaryDeploymentName } from "../../canary/names.ts";
import { clearDecision, readDecision } from "../../canary/decision.ts";
import type { CanaryDecision, CanaryRecord } from "../../canary/record.ts";
import { canaryService, canaryUrl } from "../../canary/render.ts";
import { runAnalysis } from "../../canary/run-analysis.ts";
import { applyCanary, removeCanary, scaleStable } from "../../canary/tracks.ts";
import { actualWeight, replicaSplit } from "../../canary/weights.ts";
import { canaryOf, type RolloutPlan } from "../../plan/rollout-plan.ts";
import { labelSafe } from "../../render/labels.ts";
import { sleep } from "../../util/sleep.ts";
import { failedStep, releaseOf, succeeded, type ServiceRun, type Step, type StepResult } from "../step.ts";
import { runVerifications } from "./verify.ts";

type Canary = Extract<RolloutPlan, { kind: "canary" }>;

/** How often a paused canary asks whether a person has decided. */
const decisionPollMs = 2000;

/**
 * The new version beside the stable one, its share of the replicas rising step by step: each
 * weight waits for the canary's pods, each analysis compares it with the stable version over the
 * same window, each pause waits for a person. A failed analysis or a person's abort removes the
 * canary and the failed step hands the stable version back whole (the automatic rollback); the
 * last weight, 100, gives the stable Deployment the new version. Every step is recorded in the
 * release before the next, so a killed deploy resumes at the step it was in.
 */
export const canary: Step = {
  name: "canary",
  phase: "rollout",
  replaces: ["rollout", "verify"],
  needed: ({ plan }) => plan.changed && canaryOf(plan.rollout) !== undefined,
  describe: ({ plan, service }) => {
    const c = canaryOf(plan.rollout);
    if (!c) return "";
    const splits = [...c.splits];
    const steps = c.steps.map((s) => {
      if (s.kind !== "weight") return canaryStepText(s);
      const split = splits.shift();
      return split && s.weight < 100
        ? `weight ${s.weight}% (${split.canary} canary, ${split.stable} stable pods)`
        : `weight ${s.weight}% (the stable Deployment gets ${service.spec.version})`;
    });
    const verify = Object.keys(service.spec.verify ?? {}).length
      ? `; verification Jobs against the canary after its first weight`
      : "";
    return `canary ${service.spec.version} against ${c.stableVersion}: ${steps.join(" → ")}${verify}`;
  },
  async run(run) {
    const plan = canaryOf(run.plan.rollout);
    if (!plan) return failedStep("internal: the plan has no canary", true);
    return new CanaryRun(run, plan).go();
  },
};

/** One canary's run: the step's state and the cluster operations it needs. */
class CanaryRun {
  private readonly namespace: string;
  private readonly deployment: KubernetesObject;
  private readonly service: KubernetesObject | undefined;
  private readonly names: { readonly service: string; readonly deployment: string };
  private readonly record: CanaryRecord;

  constructor(
    private readonly run: ServiceRun,
    private readonly plan: Canary,
  ) {
    this.namespace = run.env.cluster.namespace;
    const deployment = run.plan.rendered.find((o) => o.kind === "Deployment");
    if (!deployment) throw new Error(`internal: ${run.plan.service} has no Deployment for a canary`);
    this.deployment = deployment;
    this.service = run.plan.rendered.find((o) => o.kind === "Service");
    this.names = { service: run.plan.service, deployment: deployment.metadata?.name ?? run.plan.service };
    const release = releaseOf(run);
    // A resumed deploy goes on from the step it was in; a fresh one starts at the first.
    this.record = (run.resumed ? release.canary : undefined) ?? {
      steps: plan.steps,
      at: 0,
      weight: 0,
      split: { canary: 0, stable: plan.replicas },
      replicas: plan.replicas,
      stableVersion: plan.stableVersion,
      state: "running",
      analyses: [],
      decisions: [],
    };
    release.canary = this.record;
  }

  private get canaryName(): string {
    return canaryDeploymentName(this.names.deployment);
  }

  private async save(): Promise<void> {
    await this.run.store.update(releaseOf(this.run));
  }

  async go(): Promise<StepResult> {
    const { run, record } = this;
    if (record.at === 0 && record.weight === 0 && !run.resumed) {
      // A canary left by an earlier release (killed, then replaced) never serves beside this one.
      await removeCanary(run.cluster, this.namespace, this.names, run.options.timeoutMs, run.options.signal);
    }
    if (record.state !== "paused") record.state = "running";
    await this.save();
    while (record.at < record.steps.length) {
      const step = record.steps[record.at];
      if (!step) break;
      // Killed while paused: the pause goes on where it was (its analysis is not run again).
      const pausedHere =
        record.state === "paused" && record.paused?.step === record.at ? record.paused : undefined;
      if (!pausedHere) {
        const given = await this.decision();
        if (given?.action === "abort") return this.abort(given);
      }
      run.progress(`step ${record.at + 1} of ${record.steps.length}: ${canaryStepText(step)}`);
      const outcome = pausedHere
        ? await this.pause(pausedHere.reason, pausedHere.message)
        : step.kind === "weight"
          ? await this.weight(step.weight)
          : step.kind === "analysis"
            ? await this.analysis(step.windowMs)
            : await this.pause("manual", "a manual pause in the canary's steps");
      if (outcome) return outcome;
      record.at += 1;
      await this.save();
    }
    return succeeded(
      `canary promoted: ${run.service.spec.version} passed ${record.analyses.length} analysis(es) and runs on every replica`,
    );
  }

  /** A person's decision, recorded once read; a promote for another step than this one is stale. */
  private async decision(): Promise<CanaryDecision | undefined> {
    const { run, record } = this;
    const given = await readDecision(run.cluster, this.namespace, this.canaryName);
    if (!given) return undefined;
    await clearDecision(run.cluster, this.namespace, this.canaryName);
    if (given.action === "promote" && given.step !== record.at) {
      run.detail(
        `ignored a promote by ${given.by} given at step ${given.step + 1}: the canary is at step ${record.at + 1}`,
      );
      return undefined;
    }
    record.decisions.push(given);
    await this.save();
    run.emit({ type: "canary-decision", service: run.plan.service, ...given });
    return given;
  }

  private async weight(weight: number): Promise<StepResult | undefined> {
    const { run, record } = this;
    if (weight >= 100) return this.promote();
    const split = replicaSplit(record.replicas, weight);
    const since = new Date();
    await applyCanary(
      run.cluster,
      { deployment: this.deployment, ...(this.service ? { service: this.service } : {}) },
      split.canary,
      run.options.signal,
    );
    await scaleStable(run.cluster, this.namespace, this.names.deployment, split.stable, run.options.signal);
    const verdict = await waitForRollout(run.cluster, {
      namespace: this.namespace,
      service: run.plan.service,
      deployment: this.canaryName,
      since,
      version: labelSafe(run.service.spec.version),
      timeoutMs: run.options.timeoutMs,
      onProgress: (p) =>
        run.progress(`canary at ${weight}%: ${p.message}`, { ready: p.ready, desired: p.desired }),
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    if (!verdict.successful) {
      if (run.options.signal?.aborted) throw run.options.signal.reason ?? new Error("interrupted");
      return this.abort(
        undefined,
        `the canary's pods did not become ready at ${weight}%: ${verdict.message}`,
        verdict.evidence,
      );
    }
    record.weight = weight;
    record.split = split;
    await this.save();
    const message = `${weight}% (${split.canary} canary pod(s) of ${run.service.spec.version}, ${split.stable} stable pod(s) of ${record.stableVersion}; ${actualWeight(split).toFixed(0)}% of the ready endpoints)`;
    run.emit({ type: "canary-weight", service: run.plan.service, step: record.at, weight, split, message });
    if (!record.verifiedAt && Object.keys(run.service.spec.verify ?? {}).length) {
      const target = this.service ? canaryUrl({ ...canaryService(this.service) }) : undefined;
      const verified = await runVerifications(run, target);
      if (!verified.ok) {
        if (run.options.signal?.aborted) throw run.options.signal.reason ?? new Error("interrupted");
        return this.abort(undefined, verified.message, verified.evidence ?? []);
      }
      run.detail(verified.message);
      record.verifiedAt = new Date().toISOString();
      await this.save();
    }
    return undefined;
  }

  private async analysis(windowMs: number): Promise<StepResult | undefined> {
    const { run, record } = this;
    const outcome = await runAnalysis({
      cluster: run.cluster,
      namespace: this.namespace,
      service: run.plan.service,
      ...(run.options.search ? { search: run.options.search } : {}),
      ...(run.options.auditIndexPrefix ? { indexPrefix: run.options.auditIndexPrefix } : {}),
      calls: run.service.calls.filter((c) => c.audited).map((c) => c.name),
      stableVersion: record.stableVersion,
      canaryVersion: run.service.spec.version,
      windowMs,
      thresholds: this.plan.thresholds,
      abortGiven: async () => {
        const given = await this.decision();
        return given?.action === "abort" ? given : undefined;
      },
      progress: (message) => run.progress(`canary at ${record.weight}%: ${message}`),
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    if ("aborted" in outcome) return this.abort(outcome.aborted);
    const { result } = outcome;
    record.analyses.push({ step: record.at, result });
    await this.save();
    run.emit({
      type: "canary-analysis",
      service: run.plan.service,
      step: record.at,
      verdict: result.verdict,
      summary: result.summary,
      result,
    });
    if (result.verdict === "fail") return this.abort(undefined, `analysis failed: ${result.summary}`);
    if (result.verdict === "inconclusive")
      return this.pause("inconclusive", `analysis inconclusive: ${result.summary}`);
    return undefined;
  }

  /** Waits for a person: promote goes on to the next step, abort stops the canary. */
  private async pause(reason: "manual" | "inconclusive", why: string): Promise<StepResult | undefined> {
    const { run, record } = this;
    const service = run.plan.service;
    const env = run.env.name;
    const message = `${why}; at ${record.weight}%, waiting for slipway canary promote ${service} -e ${env} (or abort ${service} -e ${env} --reason ...)`;
    if (record.state !== "paused" || record.paused?.step !== record.at) {
      record.paused = { step: record.at, reason, since: new Date().toISOString(), message };
      record.state = "paused";
      await this.save();
    }
    run.emit({
      type: "canary-paused",
      service,
      ...(record.paused ?? { step: record.at, reason, since: "", message }),
    });
    for (;;) {
      run.progress(`canary paused at ${record.weight}% (${reason}): waiting for promote or abort`);
      const given = await this.decision();
      if (given?.action === "abort") return this.abort(given);
      if (given?.action === "promote") {
        record.state = "running";
        delete record.paused;
        return undefined;
      }
      await sleep(decisionPollMs, run.options.signal);
    }
  }

  /** Weight 100: the stable Deployment gets the new version and every replica; the canary goes. */
  private async promote(): Promise<StepResult | undefined> {
    const { run, record } = this;
    const since = new Date();
    // Taking the replica count back from the canary's field manager, as the last apply rendered it.
    await applyAll(run.cluster, [this.deployment], {
      force: true,
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    const verdict = await waitForRollout(run.cluster, {
      namespace: this.namespace,
      service: run.plan.service,
      deployment: this.names.deployment,
      since,
      version: labelSafe(run.service.spec.version),
      timeoutMs: run.options.timeoutMs,
      onProgress: (p) => run.progress(`promoting: ${p.message}`, { ready: p.ready, desired: p.desired }),
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    if (!verdict.successful) {
      if (run.options.signal?.aborted) throw run.options.signal.reason ?? new Error("interrupted");
      return this.abort(
        undefined,
        `the new version did not roll out at 100%: ${verdict.message}`,
        verdict.evidence,
      );
    }
    await removeCanary(run.cluster, this.namespace, this.names, run.options.timeoutMs, run.options.signal);
    record.weight = 100;
    record.split = { canary: record.replicas, stable: 0 };
    record.state = "promoted";
    await this.save();
    run.emit({
      type: "canary-promoted",
      service: run.plan.service,
      message: `${run.service.spec.version} runs on all ${record.replicas} replica(s); the canary Deployment is gone`,
    });
    return undefined;
  }

  /**
   * Stops the canary: its pods gone, the stable version's replicas whole again; the failed step
   * then has the previous release re-applied as any failed rollout does.
   */
  private async abort(
    decision: CanaryDecision | undefined,
    why?: string,
    evidence: readonly FailureEvidence[] = [],
  ): Promise<StepResult> {
    const { run, record } = this;
    const reason = decision
      ? `aborted by ${decision.by}${decision.reason ? `: ${decision.reason}` : ""}`
      : (why ?? "aborted");
    await removeCanary(run.cluster, this.namespace, this.names, run.options.timeoutMs);
    await scaleStable(run.cluster, this.namespace, this.names.deployment, record.replicas);
    record.state = "aborted";
    delete record.paused;
    await this.save();
    run.emit({ type: "canary-aborted", service: run.plan.service, step: record.at, reason });
    return failedStep(
      `canary aborted at step ${record.at + 1} (${record.weight}%): ${reason}`,
      false,
      evidence,
    );
  }
}
