import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { deployOptionsFor } from "../deploy/options-for.ts";
import { listedPlanFor } from "../deploy/listed-plan.ts";
import { sessionActingIn } from "../plan/plan-for-session.ts";
import { Deploy } from "../procedure/deploy.ts";
import type { DeployEventSink } from "../procedure/events.ts";
import { deployer } from "../procedure/identity.ts";
import { reviewApproval } from "./approve.ts";

export interface ApprovalOutcome {
  readonly ok: boolean;
  /** Refused (exit 4 in the CLI's terms), counted, deployed or failed, in the CLI's words. */
  readonly kind: "refused" | "counted" | "deployed" | "failed";
  readonly said: string;
}

/**
 * `slipway approve` for a caller without a terminal (the dashboard): the same review, then the
 * deploy with `slipway deploy`'s defaults (5 min rollout timeout, automatic rollback), under the
 * approver's credentials (`clusterFor`).
 */
export async function approveAndDeploy(args: {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  readonly id: string;
  /** The approver's client for each environment's cluster. */
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
  /** A client that reads the earlier environment (what it runs): the dashboard's own identity. */
  readonly readerFor: (env: EnvironmentModel) => Cluster;
  readonly search?: SearchClient;
  readonly events: DeployEventSink;
}): Promise<ApprovalOutcome> {
  const { project, env } = args;
  const from = project.environments.find((e) => e.name === env.promotion?.from);
  if (!from || !env.approval)
    return { ok: false, kind: "refused", said: `${env.name} requires no approval: nothing to approve there` };
  const cluster = args.clusterFor(env);
  const session = sessionActingIn({
    project,
    env,
    cluster,
    readerFor: args.readerFor,
    ...(args.search ? { search: args.search } : {}),
  });
  const review = await reviewApproval({
    id: args.id,
    env,
    from,
    cluster,
    fromCluster: args.readerFor(from),
    approver: await cluster.identity(),
    plan: (request, approvedBy) =>
      listedPlanFor(
        session,
        request.services.map((s) => s.service),
        { approval: { kind: "approved", request, approvedBy } },
      ),
  });
  if (review.kind === "refused") return { ok: false, kind: "refused", said: review.refusal };
  if (review.kind === "counted") return { ok: true, kind: "counted", said: review.said };
  const plan = review.plan;
  const report = await new Deploy(cluster, args.events).run(
    project,
    env,
    plan,
    deployOptionsFor({
      target: session,
      plan,
      only: review.request.services.map((s) => s.service),
      deployedBy: await deployer(cluster),
      choices: { promotion: review.promotion },
    }),
  );
  const said = await review.finish(report);
  return { ok: report.ok, kind: report.ok ? "deployed" : "failed", said };
}
