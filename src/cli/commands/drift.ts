import type { Command } from "commander";
import { detectDrift } from "../../drift/detect.ts";
import { formatDrift } from "../../drift/format.ts";
import { readDriftState } from "../../drift/read.ts";
import { colour, plain } from "../../output/plan.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { openSession } from "../session.ts";

export function registerDrift(program: Command, out: Output): void {
  program
    .command("drift")
    .description(
      "objects changed by hand since Slipway applied them: per object the fields whose live value differs from the deployed release, missing objects, and labelled objects nothing renders (exit 3 when drifted)",
    )
    .argument("[service...]", "services to check (default: all)")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (services: string[], opts: { env: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      const { project, env, cluster } = await openSession(cmd, opts.env, services);
      const state = await readDriftState(cluster, project, env, services, out.signal);
      const report = detectDrift({ project, env, only: services, ...state });
      if (format === "json") printDocument(out, document("DriftReport", report));
      else out.write(formatDrift(report, out.colour ? colour : plain));
      if (report.drifted) out.exitCode(ExitCode.differs);
    });
}
