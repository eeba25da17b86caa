import type { Command } from "commander";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { openSession } from "../session.ts";
import { readDeployProgress } from "../../status/deploy-progress.ts";
import { formatDeployProgress } from "../../status/format.ts";
import { serviceStatuses } from "../../status/service-status.ts";
import { fleetJournalLines, fleetStatusTable } from "../../status/fleet-format.ts";
import { readFleetJournal } from "../../fleet/journal.ts";
import { isWholeFleet } from "../fleet-sessions.ts";
import { readEachCluster } from "../fleet-read.ts";
import { ExitCode } from "../exit-codes.ts";

export function registerStatus(program: Command, out: Output): void {
  program
    .command("status")
    .description(
      "each service: live and defined version, up to date or not, ready pods, last deploy (a fleet: by cluster)",
    )
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "table or json", "table")
    .option(
      "--deploy",
      "the current (or last) deploy instead, from whichever machine it runs: each service's steps (done, running and what it waits on, failed, skipped), migration Job logs, the lock; an interrupted deploy shows as resumable; a fleet: its waves, then each cluster's deploy",
    )
    .action(async (opts: { env: string; output: string; deploy?: boolean }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const session = await openSession(cmd, opts.env, [], undefined, "whole");
      const { project, env, cluster } = session;
      if (isWholeFleet(session)) {
        if (opts.deploy) {
          const journal = await readFleetJournal(cluster, env.cluster.namespace);
          const clusters = await readEachCluster(session, cmd, (member) =>
            readDeployProgress(member.cluster, member.env.cluster.namespace, member.env.name),
          );
          if (format === "json")
            return printDocument(
              out,
              document("FleetDeployProgress", { environment: env.name, journal: journal ?? null, clusters }),
            );
          for (const line of fleetJournalLines(journal)) out.line(line);
          for (const c of clusters) {
            out.line("");
            out.line(`[${c.cluster}] ${c.context}/${c.namespace}`);
            for (const line of c.result ? formatDeployProgress(c.result) : [`unreadable: ${c.error ?? ""}`])
              out.line(`  ${line}`);
          }
          return;
        }
        const clusters = await readEachCluster(session, cmd, (member) =>
          serviceStatuses(project, member.env, member.cluster),
        );
        if (clusters.some((c) => c.error)) out.exitCode(ExitCode.failure);
        if (format === "json")
          return printDocument(out, document("FleetStatus", { environment: env.name, clusters }));
        const table = fleetStatusTable(clusters);
        out.table(table.header, table.rows);
        for (const note of table.notes) out.error(`error: ${note}`);
        return;
      }
      const namespace = env.cluster.namespace;
      if (opts.deploy) {
        const progress = await readDeployProgress(cluster, namespace, env.name);
        if (format === "json") return printDocument(out, document("DeployProgress", progress));
        for (const line of formatDeployProgress(progress)) out.line(line);
        return;
      }
      const rows = await serviceStatuses(project, env, cluster);
      if (format === "json")
        return printDocument(out, document("Status", { environment: env.name, namespace, services: rows }));
      out.table(
        ["SERVICE", "LIVE", "DEFINED", "UP TO DATE", "READY", "LAST DEPLOY", "OVERRIDES"],
        rows.map((r) => [
          r.service,
          r.liveVersion ?? "-",
          r.definedVersion,
          r.upToDate ? "yes" : "no",
          r.ready,
          r.lastDeploy
            ? `r${r.lastDeploy.revision} ${r.lastDeploy.status} ${r.lastDeploy.at} by ${r.lastDeploy.by}`
            : "-",
          r.lastDeploy?.overrides.join("; ") || "-",
        ]),
      );
    });
}
