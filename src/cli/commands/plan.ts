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
      const session = await openSession(cmd, opts.env, services, parameterOverrides(opts));
      const plan = await listedPlanFor(session, services, {
        forceConflicts: opts.forceConflicts === true,
        reclaim: opts.reclaim === true,
      });
      if (format === "json") printDocument(out, document("Plan", planJson(plan)));
      else out.write(formatPlan(plan, out.colour ? colour : plain));
      writePlanSummary(plan);
      if (plan.blocked) out.exitCode(ExitCode.failure);
      else if (opts.detailedExitcode && plan.changed) out.exitCode(ExitCode.changes);
    },
  );
}
