import type { Command } from "commander";
import { document } from "../../output/document.ts";
import { colour, formatPlan, plain } from "../../output/plan.ts";
import { readPromotionReleases } from "../../promotion/basis.ts";
import { promotableServices, requestPromotion } from "../../promotion/promote.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { environmentNamed } from "../project.ts";
import { openSession } from "../session.ts";
import { listedPlanFor } from "../../deploy/listed-plan.ts";
import { UsageError } from "../usage-error.ts";
import { runCanaryAction } from "./canary.ts";

interface PromoteFlags {
  from?: string;
  to?: string;
  env?: string;
  reason?: string;
  wait: string;
  output: string;
}

export function registerPromote(program: Command, out: Output): void {
  program
    .command("promote")
    .description(
      "request a promotion: what an earlier environment runs (the same image digests), with the target's parameters, shown as the target's plan and kept there until another person approves it (slipway approve); with one service and -e ENV: promote that service's paused canary",
    )
    .argument("[service...]", "services to promote (default: every one the earlier environment runs)")
    .option("--from <env>", "the environment whose versions are promoted")
    .option("--to <env>", "the environment that requires approval")
    .option("-e, --env <name>", "a canary's promote: the environment its paused canary runs in")
    .option("--reason <text>", "a canary's promote: why; recorded with the decision")
    .option(
      "--wait <duration>",
      "a canary's promote: how long to wait for the deploy that runs the canary to take it",
      "60s",
    )
    .option(
      "-o, --output <format>",
      "text; json: the PromotionRequest (a canary's: CanaryAction) document on stdout",
      "text",
    )
    .action(async (services: string[], opts: PromoteFlags, cmd: Command) => {
      const promotion = opts.from !== undefined || opts.to !== undefined;
      if (opts.env !== undefined || opts.reason !== undefined) {
        if (promotion)
          throw new UsageError(
            "promote takes either --from and --to (a promotion) or -e (a canary's promote), not both",
            "a promotion: slipway promote --from dev --to prod; a canary: slipway promote files -e prod",
          );
        const [service, ...more] = services;
        if (!service || more.length || opts.env === undefined)
          throw new UsageError(
            "a canary's promote takes one service and -e ENV",
            "slipway promote files -e prod",
          );
        return runCanaryAction("promote", service, { ...opts, env: opts.env }, cmd, out);
      }
      if (opts.from === undefined || opts.to === undefined)
        throw new UsageError(
          "promote needs --from and --to (a promotion), or one service and -e ENV (a canary's promote)",
          "slipway promote --from dev --to prod; slipway promote files -e prod",
        );
      const format = outputFormat(opts.output, ["text", "json"]);
      const session = await openSession(cmd, opts.to, services, []);
      const from = environmentNamed(session.project, opts.from);
      const declared = session.env.promotion?.from;
      if (declared !== from.name)
        throw new UsageError(
          declared
            ? `${session.env.name} is promoted from ${declared}, not from ${from.name}`
            : `${session.env.name} names no environment to promote from`,
          declared
            ? `slipway promote --from ${declared} --to ${session.env.name}`
            : `add promotion: { from: "${from.name}" } and approval: { approvers: [...] } to environment ${session.env.name}`,
        );
      if (!session.env.approval)
        throw new UsageError(
          `${session.env.name} requires no approval: deploy it (slipway deploy --env ${session.env.name})`,
          `to require one, add approval: { approvers: ["..."] } to environment ${session.env.name}`,
        );
      // Read once: they say what runs in each environment, for the names and for the request.
      const releases = await readPromotionReleases({
        from,
        fromCluster: session.clusterFor(from),
        to: session.env,
        toCluster: session.cluster,
      });
      const named = services.length
        ? services
        : promotableServices(session.project, session.env, releases.from);
      if (!named.length) {
        out.note(`${from.name} runs nothing ${session.env.name} defines: nothing to promote`);
        return;
      }
      const plan = await listedPlanFor(session, named, {
        approval: { kind: "requesting" },
        ...(out.signal ? { signal: out.signal } : {}),
      });
      const human = format === "text" ? out.line.bind(out) : out.note.bind(out);
      human(formatPlan(plan, out.colour ? colour : plain).trimEnd());
      const result = await requestPromotion({
        from,
        fromCluster: session.clusterFor(from),
        to: session.env,
        toCluster: session.cluster,
        plan,
        releases,
        requestedBy: await session.cluster.whoami(),
      });
      if (!result.ok) {
        if (result.nothingToDo) {
          out.note(result.refusal);
          return;
        }
        out.error(`error: ${result.refusal}`);
        out.exitCode(ExitCode.refused);
        return;
      }
      if (format === "json") printDocument(out, document("PromotionRequest", result.request));
      out.note(result.said);
    });
}
