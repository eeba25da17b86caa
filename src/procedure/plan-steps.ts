import type { ServiceModel } from "../definitions/model.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlannedService, Step, StepName } from "./step.ts";
import { procedure } from "./steps/index.ts";

/** One line of the plan's "Steps": a step of the procedure that a deploy of this service runs. */
export interface PlanStep {
  readonly service: string;
  readonly step: StepName;
  readonly description: string;
}

/**
 * A plan with the steps a deploy of it runs: what `plan`, `deploy` and the dashboard show. The
 * plan itself does not know the procedure; the procedure lists its steps for the plan it is given.
 */
export type ListedPlan = Plan & { readonly steps: readonly PlanStep[] };

/** The steps a deploy runs for one service, in the procedure's order. */
export const stepsFor = (planned: PlannedService): Step[] => procedure.filter((s) => s.needed(planned));

/**
 * The steps a deploy of the plan runs, listed by the same step objects that run them, for the
 * plan's services as `services` (the environment's definitions) define them.
 */
export function planSteps(plan: Plan, services: readonly ServiceModel[]): PlanStep[] {
  const models = new Map(services.map((s) => [s.spec.name, s]));
  const steps = plan.services.flatMap((servicePlan) => {
    const service = models.get(servicePlan.service);
    return service
      ? stepsFor({ plan: servicePlan, service }).map((s): PlanStep => ({
          service: servicePlan.service,
          step: s.name,
          description: s.describe({ plan: servicePlan, service }),
        }))
      : [];
  });
  if (plan.orphans.length)
    steps.push({
      service: "(removed services)",
      step: "prune",
      description: `delete ${plan.orphans.length} object(s) of services no longer defined`,
    });
  return steps;
}

/** The plan with its steps, listed after its orphans: where `plan -o json` has always shown them. */
export function withSteps(plan: Plan, services: readonly ServiceModel[]): ListedPlan {
  const { project, environment, context, namespace, services: planned, orphans, ...rest } = plan;
  return {
    project,
    environment,
    context,
    namespace,
    services: planned,
    orphans,
    steps: planSteps(plan, services),
    ...rest,
  };
}
