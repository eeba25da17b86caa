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
import { clusterOutput } from "../cluster-output.ts";
import { isWholeFleet } from "../fleet-sessions.ts";
import { readEachCluster } from "../fleet-read.ts";

export function registerDrift(program: Command, out: Output): void {
  program
    .command("drift")
    .description(
      "objects changed by hand since Slipway applied them: per object the fields whose live value differs from the deployed release, missing objects, and labelled objects nothing renders (exit 3 when drifted; a fleet: each cluster)",
    )
    .argument("[service...]", "services to check (default: all)")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (services: string[], opts: { env: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      const session = await openSession(cmd, opts.env, services, undefined, "whole");
      if (isWholeFleet(session)) {
        const clusters = await readEachCluster(session, cmd, async (member) => {
          const state = await readDriftState(
            member.cluster,
            member.project,
            member.env,
            services,
            out.signal,
          );
          return detectDrift({ project: member.project, env: member.env, only: services, ...state });
        });
        const drifted = clusters.some((c) => c.result?.drifted);
        if (format === "json")
          printDocument(out, document("FleetDrift", { environment: session.env.name, drifted, clusters }));
        else
          for (const c of clusters) {
            const member = clusterOutput(out, c.cluster, "text");
            if (c.result) member.write(formatDrift(c.result, out.colour ? colour : plain));
            else member.error(`error: cannot read ${c.context}/${c.namespace}: ${c.error ?? ""}`);
          }
        if (clusters.some((c) => c.error)) out.exitCode(ExitCode.failure);
        else if (drifted) out.exitCode(ExitCode.differs);
        return;
      }
      const { project, env, cluster } = session;
      const state = await readDriftState(cluster, project, env, services, out.signal);
      const report = detectDrift({ project, env, only: services, ...state });
      if (format === "json") printDocument(out, document("DriftReport", report));
      else out.write(formatDrift(report, out.colour ? colour : plain));
      if (report.drifted) out.exitCode(ExitCode.differs);
    });
}
