import type { Command } from "commander";
import { document } from "../../output/document.ts";
import { PromotionStore } from "../../promotion/request.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { openSession } from "../session.ts";

export function registerPromotions(program: Command, out: Output): void {
  program
    .command("promotions")
    .description(
      "the promotions requested to an environment, newest first: pending, deployed or failed, who asked and who approved",
    )
    .requiredOption("-e, --env <name>", "the environment promoted to")
    .option("-o, --output <format>", "text; json: the PromotionList document", "text")
    .option("--plan <id>", "print the plan a request was made with")
    .action(async (opts: { env: string; output: string; plan?: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      const { env, cluster } = await openSession(cmd, opts.env);
      const promotions = await new PromotionStore(cluster, env.cluster.namespace, env.name).list();
      if (opts.plan) {
        const request = promotions.find((p) => p.id === opts.plan);
        if (!request) {
          out.error(`error: no promotion ${opts.plan} in ${env.name}`);
          out.exitCode(ExitCode.failure);
          return;
        }
        out.write(request.plan);
        return;
      }
      if (format === "json") {
        printDocument(out, document("PromotionList", { environment: env.name, promotions }));
        return;
      }
      if (!promotions.length) {
        out.line(`No promotion was requested to ${env.name}.`);
        return;
      }
      out.table(
        ["ID", "STATE", "FROM", "SERVICES", "REQUESTED BY", "APPROVED BY", "OUTCOME"],
        promotions.map((p) => [
          p.id,
          p.state,
          p.from,
          p.services.map((s) => `${s.service} ${s.version}`).join(", "),
          `${p.requestedBy} at ${p.requestedAt}`,
          p.approvals.map((a) => a.by).join(", ") || "-",
          p.outcome ?? "-",
        ]),
      );
    });
}
