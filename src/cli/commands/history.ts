import type { Command } from "commander";
import { ReleaseStore } from "../../release/store.ts";
import { parameterText } from "../../definitions/parameters.ts";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { openSession } from "../session.ts";

export function registerHistory(program: Command, out: Output): void {
  program
    .command("history")
    .description("the release records of one service, newest first")
    .argument("<service>", "service")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (service: string, opts: { env: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const { env, cluster } = await openSession(cmd, opts.env, [service]);
      const summaries = await new ReleaseStore(cluster, env.cluster.namespace).summaries(service);
      if (format === "json")
        return printDocument(
          out,
          document("History", { environment: env.name, service, releases: summaries }),
        );
      if (summaries.length === 0) return out.note(`${service} has no releases in ${env.name}`);
      out.table(
        [
          "REVISION",
          "VERSION",
          "STATUS",
          "STARTED",
          "FINISHED",
          "BY",
          "DESCRIPTION",
          "PARAMETERS",
          "OVERRIDES",
        ],
        summaries.map((s) => [
          String(s.revision),
          s.version,
          s.status,
          s.startedAt,
          s.finishedAt ?? "-",
          s.promotion
            ? `${s.deployedBy}, approving ${s.promotion.id} requested by ${s.promotion.requestedBy}`
            : s.deployedBy,
          s.description,
          parameterText(s.parameters ?? {}) || "-",
          // A skipped CI check is in the description already.
          (s.overrides ?? []).filter((o) => !s.description.includes(o)).join("; ") || "-",
        ]),
      );
    });
}
