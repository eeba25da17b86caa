import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { formatPlan, plain } from "../output/plan.ts";
import type { ListedPlan } from "../procedure/plan-steps.ts";
import { deployedIn, promotionBasis, type PromotionReleases } from "./basis.ts";
import { newPromotionId, PromotionStore, type PromotionRequest } from "./request.ts";

/**
 * The services a promotion without names is about: those the earlier environment runs (a
 * deployed release among `fromReleases`) that the target defines. A service that never ran there
 * cannot be promoted, so it is not planned, rather than blocking the others.
 */
export function promotableServices(
  project: ProjectModel,
  to: EnvironmentModel,
  fromReleases: readonly ReleaseSummary[],
): string[] {
  return (project.services.get(to.name) ?? [])
    .map((s) => s.spec.name)
    .filter((name) => deployedIn(fromReleases, name) !== undefined);
}

export type RequestResult =
  | { readonly ok: true; readonly request: PromotionRequest; readonly said: string }
  | { readonly ok: false; readonly refusal: string; readonly nothingToDo?: boolean };

/**
 * Asks for a promotion of what `from` runs into `to`, as the target's plan shows it: kept in the
 * target's namespace until others approve it. Refused when the plan is blocked (a missing
 * sign-off in `from`, a failed CI build, ...), or when what `to` would get is not exactly what
 * `from` runs.
 */
export async function requestPromotion(args: {
  readonly from: EnvironmentModel;
  readonly fromCluster: Cluster;
  readonly to: EnvironmentModel;
  readonly toCluster: Cluster;
  /** The target's plan, made with `approval: { kind: "requesting" }`. */
  readonly plan: ListedPlan;
  /** Both environments' releases, read once for this request (readPromotionReleases). */
  readonly releases: PromotionReleases;
  readonly requestedBy: string;
}): Promise<RequestResult> {
  const { from, to, plan } = args;
  if (plan.blocked)
    return {
      ok: false,
      refusal: `a check of the procedure failed (see the plan above): no promotion of ${to.name} was requested`,
    };
  if (!plan.changed)
    return {
      ok: false,
      nothingToDo: true,
      refusal: `${to.name} already runs what ${from.name} runs: nothing to promote`,
    };
  const basis = await promotionBasis(args);
  if (basis.problems.length)
    return {
      ok: false,
      refusal: `no promotion requested:\n  ${basis.problems.map((p) => p.message).join("\n  ")}`,
    };
  const request: PromotionRequest = {
    id: newPromotionId(),
    from: from.name,
    to: to.name,
    services: basis.services,
    requestedBy: args.requestedBy,
    requestedAt: new Date().toISOString(),
    plan: formatPlan(plan, plain),
    approvals: [],
    state: "pending",
  };
  await new PromotionStore(args.toCluster, to.cluster.namespace, to.name).create(request);
  const required = to.approval?.required ?? 1;
  return {
    ok: true,
    request,
    said: `requested promotion ${request.id} from ${from.name} to ${to.name} by ${request.requestedBy}: ${request.services
      .map((s) => `${s.service} ${s.version} (${s.digest})`)
      .join(
        ", ",
      )}\n${required === 1 ? "another person" : `${required} other people`} among ${to.name}'s approvers (${(to.approval?.approvers ?? []).join(", ")}) ${required === 1 ? "approves" : "approve"} it with: slipway approve ${request.id} --env ${to.name}`,
  };
}
