import type { Command } from "commander";
import { colour, formatPlan, plain, planJson } from "../../output/plan.ts";
import { writePlanSummary } from "../ci-reports.ts";
import type { Output } from "../output.ts";
import { addParameterFlags, parameterOverrides, type ParameterFlags } from "../parameter-flags.ts";
import { openSession } from "../session.ts";
import { listedPlanFor } from "../../deploy/listed-plan.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { ExitCode } from "../exit-codes.ts";
import { clusterOutput } from "../cluster-output.ts";
import { isWholeFleet } from "../fleet-sessions.ts";
import { readEachCluster } from "../fleet-read.ts";
import { versionsAcrossClusters } from "../../fleet/differences.ts";

export function registerPlan(program: Command, out: Output): void {
  const command = program
    .command("plan")
    .description(
      "show what a deploy would change: per service the versions, per object the field-level diff, then the steps",
    )
    .argument("[service...]", "services to plan (default: all)")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "text or json", "text")
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option(
      "--force-conflicts",
      "plan as deploy --force-conflicts applies: take over fields that other field managers own",
    )
    .option(
      "--reclaim",
      "plan as deploy --reclaim applies: also remove fields other field managers added; implies --force-conflicts",
    );
  addParameterFlags(command).action(
    async (
      services: string[],
      opts: {
        env: string;
        output: string;
        detailedExitcode?: boolean;
        forceConflicts?: boolean;
        reclaim?: boolean;
      } & ParameterFlags,
      cmd: Command,
    ) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      const session = await openSession(cmd, opts.env, services, parameterOverrides(opts), "whole");
      const planOptions = { forceConflicts: opts.forceConflicts === true, reclaim: opts.reclaim === true };
      if (isWholeFleet(session)) {
        const clusters = await readEachCluster(session, cmd, (member) =>
          listedPlanFor(member, services, planOptions),
        );
        if (format === "json")
          printDocument(
            out,
            document("FleetPlan", {
              environment: session.env.name,
              clusters: clusters.map(({ result, ...where }) => ({
                ...where,
                ...(result ? { result: planJson(result) } : {}),
              })),
            }),
          );
        else {
          for (const c of clusters) {
            const member = clusterOutput(out, c.cluster, "text");
            if (c.result) member.write(formatPlan(c.result, out.colour ? colour : plain));
            else member.error(`error: cannot plan ${c.context}/${c.namespace}: ${c.error ?? ""}`);
          }
          for (const line of versionsAcrossClusters(clusters)) out.line(line);
        }
        const plans = clusters.flatMap((c) => (c.result ? [c.result] : []));
        if (plans.length < clusters.length || plans.some((p) => p.blocked)) out.exitCode(ExitCode.failure);
        else if (opts.detailedExitcode && plans.some((p) => p.changed)) out.exitCode(ExitCode.changes);
        return;
      }
      const plan = await listedPlanFor(session, services, planOptions);
      if (format === "json") printDocument(out, document("Plan", planJson(plan)));
      else out.write(formatPlan(plan, out.colour ? colour : plain));
      writePlanSummary(plan);
      if (plan.blocked) out.exitCode(ExitCode.failure);
      else if (opts.detailedExitcode && plan.changed) out.exitCode(ExitCode.changes);
    },
  );
}
