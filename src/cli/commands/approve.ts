import type { Command } from "commander";
import { reviewApproval } from "../../promotion/approve.ts";
import { deployRenderer } from "../deploy-report.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { outputFormat } from "../output-format.ts";
import { environmentNamed } from "../project.ts";
import { openSession } from "../session.ts";
import { listedPlanFor } from "../../deploy/listed-plan.ts";
import { UsageError } from "../usage-error.ts";
import { deployPlanned, type DeployFlags } from "./deploy.ts";

interface ApproveFlags {
  env: string;
  yes?: boolean;
  output: string;
  timeout: string;
  waitForLock?: boolean;
}

export function registerApprove(program: Command, out: Output): void {
  program
    .command("approve")
    .description(
      "approve a pending promotion (never your own): checked to be current, then deployed through the whole procedure with your credentials, recording who requested and who approved it",
    )
    .argument("<id>", "the promotion, as slipway promote or slipway promotions names it")
    .requiredOption("-e, --env <name>", "the environment it promotes to")
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .option(
      "-o, --output <format>",
      "text; json: the DeployReport document; jsonl: the plan, events and report",
      "text",
    )
    .option("--timeout <duration>", "how long a rollout may take, e.g. 90s or 5m", "5m")
    .option("--wait-for-lock", "wait for another deploy to finish instead of stopping")
    .action(async (id: string, opts: ApproveFlags, cmd: Command) => {
      const render = deployRenderer(out, outputFormat(opts.output, ["text", "json", "jsonl"]));
      const session = await openSession(cmd, opts.env, [], []);
      const fromName = session.env.promotion?.from;
      if (!fromName || !session.env.approval)
        throw new UsageError(`${session.env.name} requires no approval: nothing to approve there`);
      const from = environmentNamed(session.project, fromName);
      const review = await reviewApproval({
        id,
        env: session.env,
        from,
        cluster: session.cluster,
        fromCluster: session.clusterFor(from),
        approver: await session.cluster.identity(),
        plan: async (request, approvedBy) => {
          const plan = await listedPlanFor(
            session,
            request.services.map((s) => s.service),
            {
              approval: { kind: "approved", request, approvedBy },
              ...(out.signal ? { signal: out.signal } : {}),
            },
          );
          render.plan(plan);
          return plan;
        },
      });
      if (review.kind === "refused") {
        out.error(`error: ${review.refusal}`);
        out.exitCode(ExitCode.refused);
        return;
      }
      if (review.kind === "counted") {
        out.note(review.said);
        return;
      }
      const services = review.request.services.map((s) => s.service);
      // The plan is made again under the lock-free read above; deployPlanned shows and runs it.
      const plan = review.plan;
      const flags: DeployFlags = {
        env: opts.env,
        ...(opts.yes ? { yes: true } : {}),
        rollback: true,
        timeout: opts.timeout,
        parallel: "4",
        ...(opts.waitForLock ? { waitForLock: true } : {}),
        evidenceWindow: "24h",
        scratchDatabase: "pglite",
        output: opts.output,
        lockLease: "30s",
        set: [],
        setFromEnv: [],
      };
      const report = await deployPlanned({
        out,
        render,
        session,
        plan,
        services,
        opts: flags,
        promotion: review.promotion,
      });
      out.note(await review.finish(report));
    });
}
