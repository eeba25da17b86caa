import type { Plan } from "../plan/plan.ts";
import type { DeployEvent, DeployEventSink } from "../procedure/events.ts";
import type { DeployReport } from "../procedure/report.ts";
import { deploySuite } from "../output/deploy-junit.ts";
import { appendStepSummary } from "../output/github.ts";
import { writeJUnit } from "../output/junit.ts";
import { deploySummary, planSummary } from "../output/step-summary.ts";

/** `plan` in a GitHub job: the plan's summary in $GITHUB_STEP_SUMMARY. */
export function writePlanSummary(plan: Plan): void {
  if (process.env.GITHUB_STEP_SUMMARY) appendStepSummary(planSummary(plan));
}

/**
 * The CI reports of one deploy ($GITHUB_STEP_SUMMARY when set, --junit when given): the events
 * are kept as the deploy tells them, and drawn with the plan and the report once it ends.
 */
export class DeployCiReports {
  private readonly events: DeployEvent[] = [];

  constructor(
    private readonly plan: Plan,
    private readonly junit: string | undefined,
  ) {}

  /** The deploy's sink, keeping each event on its way through. */
  recording(sink: DeployEventSink): DeployEventSink {
    return (event) => {
      this.events.push(event);
      sink(event);
    };
  }

  /** Without a report: the plan refused the deploy, or there was nothing to deploy. */
  finish(report?: DeployReport): void {
    const run = { plan: this.plan, events: this.events, ...(report ? { report } : {}) };
    if (process.env.GITHUB_STEP_SUMMARY) appendStepSummary(deploySummary(run));
    if (this.junit) writeJUnit(this.junit, [deploySuite(run)]);
  }
}
