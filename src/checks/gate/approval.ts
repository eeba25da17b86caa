import type { EnvironmentModel } from "../../definitions/model.ts";
import type { PromotionRequest } from "../../promotion/request.ts";
import { failed, passed, skipped, type GateCheck } from "./types.ts";

/** Where a plan of an environment that requires approval stands with it. */
export type ApprovalContext =
  /** `slipway promote`: the plan a request shows; the deploy waits for the approval. */
  | { readonly kind: "requesting" }
  /** `slipway approve`: the approved request this deploy carries out. */
  | { readonly kind: "approved"; readonly request: PromotionRequest; readonly approvedBy: readonly string[] };

/**
 * An environment with `approval` deploys only promotions that others approved: a plain deploy
 * there is refused before anything is written, naming the way that works.
 */
export function checkApproval(
  env: EnvironmentModel,
  services: readonly string[],
  context: ApprovalContext | undefined,
): GateCheck | undefined {
  const approval = env.approval;
  if (!approval) return undefined;
  const required = approval.required ?? 1;
  const others = `${required} other ${required === 1 ? "person" : "people"}`;
  if (context?.kind === "requesting")
    return skipped(
      "approval",
      `requested now: the deploy runs once ${others} ${required === 1 ? "approves" : "approve"} it`,
    );
  if (context?.kind === "approved")
    return passed(
      "approval",
      `promotion ${context.request.id} from ${context.request.from}: requested by ${context.request.requestedBy}, approved by ${context.approvedBy.join(", ")}`,
    );
  const from = env.promotion?.from ?? "the earlier environment";
  return failed("approval", `${env.name} deploys only approved promotions`, [
    `a deploy to ${env.name} is a promotion from ${from}, requested by one person and approved by ${others}: slipway promote --from ${from} --to ${env.name}${services.length ? ` ${services.join(" ")}` : ""}; then an approver runs slipway approve ID --env ${env.name}`,
  ]);
}
