import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../definitions/model.ts";
import type { Plan } from "../plan/plan.ts";
import type { DeployReport } from "../procedure/report.ts";
import { isApprover, type Identity } from "./approvers.ts";
import { promotionBasis, readPromotionReleases, staleBecause } from "./basis.ts";
import { PromotionStore, type PromotionOnRecord, type PromotionRequest } from "./request.ts";

/** The first half of an approval: may this person approve it, and is it still what it was? */
export type ApprovalReview =
  | { readonly kind: "refused"; readonly refusal: string }
  /** Counted; more approvals are needed before anything is deployed. */
  | { readonly kind: "counted"; readonly said: string }
  /** Enough approvals: deploy `plan` with `promotion` on its records, then `finish`. */
  | {
      readonly kind: "deploy";
      readonly request: PromotionRequest;
      /** The plan the checks were made on, which the approval deploys. */
      readonly plan: Plan;
      readonly promotion: PromotionOnRecord;
      finish(report: DeployReport | undefined): Promise<string>;
    };

/**
 * Checks an approval before anything is deployed: the request is pending, the approver is among
 * the environment's approvers and is not the requester, and neither environment nor the
 * definitions moved since it was made (a stale request must be made again). The approval is
 * then recorded (with the version read, so two approvers at once cannot both count).
 *
 * The approver deploys: their credentials hold the lock and apply the objects, so their RBAC
 * applies and the deploy runs now, on the machine that approved it, with nobody waiting on a
 * requester's process. The records say who requested and who approved.
 */
export async function reviewApproval(args: {
  readonly id: string;
  readonly env: EnvironmentModel;
  readonly from: EnvironmentModel;
  readonly cluster: Cluster;
  readonly fromCluster: Cluster;
  readonly approver: Identity;
  /** The target's plan of the request's services, made with the approval it would carry. */
  readonly plan: (request: PromotionRequest, approvedBy: readonly string[]) => Promise<Plan>;
}): Promise<ApprovalReview> {
  const { env, approver } = args;
  const store = new PromotionStore(args.cluster, env.cluster.namespace, env.name);
  const found = await store.get(args.id);
  if (!found)
    return {
      kind: "refused",
      refusal: `no promotion ${args.id} in ${env.name} (slipway promotions --env ${env.name} lists them)`,
    };
  const { request, resourceVersion } = found;
  if (request.state !== "pending")
    return {
      kind: "refused",
      refusal: `promotion ${request.id} is ${request.state} already${request.outcome ? `: ${request.outcome}` : ""}`,
    };
  const approval = env.approval;
  if (!approval)
    return {
      kind: "refused",
      refusal: `${env.name} requires no approval: deploy it (slipway deploy --env ${env.name})`,
    };
  if (approver.username === request.requestedBy)
    return {
      kind: "refused",
      refusal: `${approver.username} requested promotion ${request.id}: another person must approve it (nobody approves their own request)`,
    };
  if (!isApprover(approver, approval.approvers))
    return {
      kind: "refused",
      refusal: `${approver.username} is not among ${env.name}'s approvers (${approval.approvers.join(", ")}; groups: ${approver.groups.join(", ") || "none"})`,
    };
  if (request.approvals.some((a) => a.by === approver.username))
    return { kind: "refused", refusal: `${approver.username} approved promotion ${request.id} already` };
  const approvedBy = [...request.approvals.map((a) => a.by), approver.username];
  const plan = await args.plan(request, approvedBy);
  const now = await promotionBasis({
    from: args.from,
    fromCluster: args.fromCluster,
    to: env,
    plan,
    releases: await readPromotionReleases({
      from: args.from,
      fromCluster: args.fromCluster,
      to: env,
      toCluster: args.cluster,
    }),
  });
  const stale = [
    ...staleBecause(request, now),
    ...(plan.blocked ? ["a check of the procedure fails now (see the plan)"] : []),
  ];
  if (stale.length)
    return {
      kind: "refused",
      refusal: `promotion ${request.id} is stale: ${stale.join("; ")}; request it again: slipway promote --from ${request.from} --to ${request.to} ${request.services.map((s) => s.service).join(" ")}`,
    };
  const approvals = [...request.approvals, { by: approver.username, at: new Date().toISOString() }];
  const required = approval.required ?? 1;
  const counted: PromotionRequest = { ...request, approvals };
  if (!(await store.update(counted, resourceVersion)))
    return {
      kind: "refused",
      refusal: `promotion ${request.id} changed while you approved it (another approval?): try again`,
    };
  if (approvals.length < required)
    return {
      kind: "counted",
      said: `approved promotion ${request.id} by ${approver.username}: ${approvals.length} of ${required} approvals; nothing deployed yet`,
    };
  const promotion: PromotionOnRecord = {
    id: request.id,
    from: request.from,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    approvedBy,
  };
  return {
    kind: "deploy",
    request: counted,
    plan,
    promotion,
    async finish(report) {
      const latest = await store.get(request.id);
      // Not deployed at all (declined, refused): the approval is withdrawn, the request waits.
      if (!report) {
        if (latest)
          await store.update({ ...latest.request, approvals: request.approvals }, latest.resourceVersion);
        return `promotion ${request.id} not deployed: still pending, the approval by ${approver.username} withdrawn`;
      }
      const ok = report.ok;
      const outcome = report.services
        .map((s) => `${s.service}: ${s.outcome}${s.revision ? ` (revision ${s.revision})` : ""}`)
        .join(", ");
      if (latest)
        await store.update(
          { ...latest.request, state: ok ? "deployed" : "failed", outcome },
          latest.resourceVersion,
        );
      return ok
        ? `promotion ${request.id} deployed to ${env.name}: ${outcome}`
        : `promotion ${request.id} failed in ${env.name}: ${outcome}`;
    },
  };
}
