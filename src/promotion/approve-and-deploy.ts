import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { planFor } from "../cli/session.ts";
import { Deploy } from "../procedure/deploy.ts";
import type { DeployEventSink } from "../procedure/events.ts";
import { currentCommit, deployer } from "../procedure/identity.ts";
import { reviewApproval } from "./approve.ts";

export interface ApprovalOutcome {
  readonly ok: boolean;
  /** Refused (exit 4 in the CLI's terms), counted, deployed or failed, in the CLI's words. */
  readonly kind: "refused" | "counted" | "deployed" | "failed";
  readonly said: string;
}

/**
 * `slipway approve` for a caller without a terminal (the dashboard): the same review, then the
 * deploy with the procedure's defaults (5 min rollout timeout, automatic rollback), under the
 * approver's credentials (`cluster`).
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
  const session = {
    project,
    env,
    cluster,
    // The plan reads the earlier environment (the promotion check) with the reader.
    clusterFor: (other: EnvironmentModel) => (other.name === env.name ? cluster : args.readerFor(other)),
    ...(args.search ? { search: args.search } : {}),
  };
  const review = await reviewApproval({
    id: args.id,
    env,
    from,
    cluster,
    fromCluster: args.readerFor(from),
    approver: await cluster.identity(),
    plan: (request, approvedBy) =>
      planFor(
        session,
        request.services.map((s) => s.service),
        { approval: { kind: "approved", request, approvedBy } },
      ),
  });
  if (review.kind === "refused") return { ok: false, kind: "refused", said: review.refusal };
  if (review.kind === "counted") return { ok: true, kind: "counted", said: review.said };
  const plan = review.plan;
  const report = await new Deploy(cluster, args.events).run(project, env, plan, {
    only: review.request.services.map((s) => s.service),
    dryRun: false,
    forceConflicts: false,
    rollback: true,
    timeoutMs: 5 * 60_000,
    parallel: 4,
    waitForLock: false,
    deployedBy: await deployer(cluster),
    commit: currentCommit(project.root),
    evidenceWindowMs: 24 * 3_600_000,
    scratchDatabase: "pglite",
    ...(args.search ? { search: args.search } : {}),
    ...(env.search?.indexPrefix ? { auditIndexPrefix: env.search.indexPrefix } : {}),
    digests: new Map(plan.services.flatMap((s) => (s.gate?.digest ? [[s.service, s.gate.digest]] : []))),
    promotion: review.promotion,
  });
  const said = await review.finish(report);
  return { ok: report.ok, kind: report.ok ? "deployed" : "failed", said };
}
