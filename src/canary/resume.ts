import { listedPlanFor } from "../deploy/listed-plan.ts";
import type { PlanningSession } from "../plan/plan-for-session.ts";
import type { ListedPlan } from "../procedure/plan-steps.ts";
import { CanaryActionRefused } from "./act.ts";

/**
 * The plan that resumes a canary whose deploy was killed: `slipway deploy -e ENV SERVICE`'s own,
 * accepted only when it takes up that very release. Definitions changed since would deploy
 * something else, which a person's promote or abort must not start.
 */
export async function resumePlan(
  session: PlanningSession,
  service: string,
  revision: number,
  signal?: AbortSignal,
): Promise<ListedPlan> {
  const command = `slipway deploy -e ${session.env.name} ${service}`;
  const plan = await listedPlanFor(session, [service], { command, ...(signal ? { signal } : {}) });
  if (plan.services.find((s) => s.service === service)?.resumes !== revision)
    throw new CanaryActionRefused(
      "not-resumable",
      `no deploy runs the canary of ${service} (revision ${revision}) and its definitions changed since that deploy began, so it was not resumed (the decision waits on the canary): see slipway plan -e ${session.env.name} ${service}, then ${command}`,
    );
  return plan;
}
