import type { GateCheck } from "../checks/gate/types.ts";
import type { Plan, ServicePlan } from "../plan/plan.ts";
import type { DeployEvent } from "../procedure/events.ts";
import type { DeployReport, ServiceResult } from "../procedure/report.ts";
import type { StepName } from "../procedure/step.ts";

/** What a deploy did, as the CI reports draw it: the plan, the events it told, how it ended. */
export interface DeployRun {
  readonly plan: Plan;
  readonly events: readonly DeployEvent[];
  /** Absent when the plan refused the deploy before it started. */
  readonly report?: DeployReport;
}

/** One check of a service and its result: a gate check of the plan, or a check step of the deploy. */
export interface CheckResult {
  readonly check: string;
  readonly outcome: "passed" | "failed" | "skipped";
  readonly summary: string;
  /** Why it failed, what it warns of, what it found: one line each. */
  readonly details: readonly string[];
}

/** A service's part of a deploy, gathered from the typed plan, events and report. */
export interface ServiceRun {
  readonly plan: ServicePlan;
  readonly checks: readonly CheckResult[];
  readonly steps: readonly {
    readonly step: StepName;
    readonly outcome: "done" | "failed";
    readonly message: string;
  }[];
  readonly result?: ServiceResult;
}

// Steps that check rather than change: they are reported as checks beside the gate's.
export const checkSteps: ReadonlySet<StepName> = new Set(["check-migrations", "verify"]);

const gateCheck = (c: GateCheck): CheckResult => ({
  check: c.check,
  outcome: c.outcome,
  summary: c.summary,
  details: [...c.problems, ...(c.warnings ?? []).map((w) => `warning: ${w}`)],
});

/** Each planned service's checks, steps and outcome. */
export function serviceRuns(run: DeployRun): ServiceRun[] {
  return run.plan.services.map((plan) => {
    const mine = run.events.filter((e) => "service" in e && e.service === plan.service);
    const steps = mine.flatMap((e) =>
      e.type === "step-finished" ? [{ step: e.step, outcome: e.outcome, message: e.message }] : [],
    );
    const stepChecks = steps
      .filter((s) => checkSteps.has(s.step))
      .map((s) => ({
        check: s.step === "check-migrations" ? "migrations" : s.step,
        outcome: s.outcome === "done" ? ("passed" as const) : ("failed" as const),
        summary: s.message,
        // What the step said along the way: the dynamic proof's summary, each finding.
        details: mine.flatMap((e) =>
          e.type === "step-progress" && e.step === s.step && !e.live ? [e.message] : [],
        ),
      }));
    const result = run.report?.services.find((r) => r.service === plan.service);
    return {
      plan,
      checks: [...(plan.gate?.checks ?? []).map(gateCheck), ...stepChecks],
      steps,
      ...(result ? { result } : {}),
    };
  });
}

export function environmentChecks(plan: Plan): CheckResult[] {
  return (plan.checks ?? []).map(gateCheck);
}

export const versionChange = (s: ServicePlan): string =>
  s.liveVersion === undefined
    ? `(not deployed) → ${s.newVersion}`
    : s.liveVersion === s.newVersion
      ? s.newVersion
      : `${s.liveVersion} → ${s.newVersion}`;
