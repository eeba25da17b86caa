import type { Command } from "commander";
import { readLiveAudit } from "../../audit/live.ts";
import { conflictEffect, describeConflict } from "../../audit/compare.ts";
import { planAuditCall } from "../../audit/plan.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import type { AuditCallStatus } from "../../output/documents.ts";
import { openSession } from "../session.ts";
import { auditedCalls } from "../../plan/plan-for-session.ts";
import { UsageError } from "../usage-error.ts";

export function registerAudit(program: Command, out: Output): void {
  const audit = program.command("audit").description("the audit indices of audited calls");
  audit
    .command("status")
    .description(
      "per audited call: its write alias, write index, template version, and whether the live mapping matches the definitions, naming each field whose entries it rejects or leaves unindexed (exit 3 when one does not match)",
    )
    .argument("[service...]", "services (default: all)")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (services: string[], opts: { env: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const session = await openSession(cmd, opts.env, services);
      if (!session.search)
        throw new UsageError(
          `environment ${session.env.name} names no search server`,
          "add search: { url } to it",
        );
      const calls = auditedCalls(session, services);
      const live = await readLiveAudit(
        session.search,
        calls.map((c) => c.call),
        session.env.search?.indexPrefix,
      );
      const rows = calls.map(({ service, call }): AuditCallStatus => {
        const contract = session.project.services
          .get(session.env.name)
          ?.find((s) => s.spec.name === service)
          ?.calls.find((c) => c.name === call);
        if (!contract) throw new Error(`internal: ${service} has no call ${call}`);
        const state = live.get(call);
        const plan = planAuditCall(service, contract, state, session.env.search?.indexPrefix);
        const mapping =
          plan.change === "create"
            ? "no write index"
            : plan.change === "none"
              ? "matches"
              : [
                  ...plan.conflicts.map(describeConflict),
                  ...plan.added.map((f) => `${f} missing`),
                  ...(plan.putTemplate ? ["template out of date"] : []),
                ].join("; ");
        return {
          call,
          service,
          alias: plan.names.alias,
          writeIndex: state?.writeIndex ?? null,
          indices: state?.indices.length ?? 0,
          templateVersion: state?.template?.version ?? null,
          matches: mapping === "matches",
          mapping,
          conflicts: plan.conflicts.map((c) => ({ ...c, effect: conflictEffect(c) })),
        };
      });
      if (format === "json")
        printDocument(out, document("AuditStatus", { environment: session.env.name, calls: rows }));
      else if (rows.length === 0) out.note(`no audited calls in ${session.env.name}`);
      else
        out.table(
          ["CALL", "SERVICE", "ALIAS", "WRITE INDEX", "INDICES", "TEMPLATE", "MAPPING"],
          rows.map((r) => [
            r.call,
            r.service,
            r.alias,
            r.writeIndex ?? "-",
            String(r.indices),
            r.templateVersion === null ? "-" : `v${r.templateVersion}`,
            r.mapping,
          ]),
        );
      if (rows.some((r) => !r.matches)) out.exitCode(ExitCode.differs);
    });
}
