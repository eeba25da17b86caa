import { planFor, type PlanningSession, type PlanOptions } from "../plan/plan-for-session.ts";
import { withSteps, type ListedPlan } from "../procedure/plan-steps.ts";

/**
 * The session's plan with the steps a deploy of it runs: what `plan`, `deploy`, a promotion and
 * the dashboard show. Here, not in planFor: the plan does not know the procedure.
 */
export async function listedPlanFor(
  session: PlanningSession,
  services: readonly string[],
  options: PlanOptions = {},
): Promise<ListedPlan> {
  const plan = await planFor(session, services, options);
  return withSteps(plan, session.project.services.get(session.env.name) ?? []);
}
