import type { PlannedService, Step, StepName } from "./step.ts";
import { procedure } from "./steps/index.ts";

/** One line of the plan's "Steps": a step of the procedure that a deploy of this service runs. */
export interface PlanStep {
  readonly service: string;
  readonly step: StepName;
  readonly description: string;
}

/** The steps a deploy runs for one service, in the procedure's order. */
export const stepsFor = (planned: PlannedService): Step[] => procedure.filter((s) => s.needed(planned));

export const planSteps = (services: readonly PlannedService[]): PlanStep[] =>
  services.flatMap((planned) =>
    stepsFor(planned).map((s) => ({
      service: planned.plan.service,
      step: s.name,
      description: s.describe(planned),
    })),
  );
