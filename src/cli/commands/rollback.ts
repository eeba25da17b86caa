import type { Command } from "commander";
import {
  rollbackService,
  RollbackTargetMissing,
  type RollbackResult,
} from "../../procedure/rollback-service.ts";
import { deployEvents } from "../deploy-report.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";
import { parseDuration } from "../duration.ts";
import { document } from "../../output/document.ts";
import type { RollbackReport } from "../../output/documents.ts";
import { ExitCode } from "../exit-codes.ts";
import { humanOnStderr, outputFormat, printDocument } from "../output-format.ts";
import { deployer } from "../../procedure/identity.ts";
import { ReleaseNotifier } from "../../notify/notifier.ts";
import { deliveryLine, recordDeliveries } from "../../notify/record-deliveries.ts";
import { ReleaseStore } from "../../release/store.ts";

interface RollbackOptions {
  env: string;
  to?: string;
  timeout: string;
  allowBreakingRollback?: boolean;
  reason?: string;
  breakGlass?: boolean;
  scratchDatabase: string;
  output: string;
}

export function registerRollback(program: Command, out: Output): void {
  program
    .command("rollback")
    .description("re-deploy an earlier release of one service (default: the one before the deployed one)")
    .argument("<service>", "service")
    .requiredOption("-e, --env <name>", "environment")
    .option("--to <revision>", "revision to return to")
    .option("--timeout <duration>", "how long the rollout may take", "5m")
    .option(
      "--allow-breaking-rollback",
      "roll back although statements of that release no longer prepare on the current schema (needs --reason; recorded)",
    )
    .option(
      "--break-glass",
      "roll back although the environment's deploy windows freeze rollbacks too (rollbackDuringFreeze: false): only for the users and groups it names (needs --reason; recorded)",
    )
    .option("--reason <text>", "why the override is safe; recorded in the release")
    .option(
      "--scratch-database <kind>",
      "where the schema check copies the live schema: pglite (embedded) or server (a throwaway database beside it)",
      "pglite",
    )
    .option("-o, --output <format>", "text, or json: the RollbackReport document on stdout", "text")
    .action(async (service: string, opts: RollbackOptions, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      // With -o json, stdout holds only the report; the account of the rollback goes to stderr.
      const shown = format === "json" ? humanOnStderr(out) : out;
      if (!["pglite", "server"].includes(opts.scratchDatabase))
        throw new UsageError(`--scratch-database must be pglite or server, found "${opts.scratchDatabase}"`);
      if (opts.allowBreakingRollback && !opts.reason?.trim())
        throw new UsageError(
          "--allow-breaking-rollback needs --reason",
          'say why the old version survives the schema: --reason "it only reads subject on a path no one calls"',
        );
      if (opts.breakGlass && !opts.reason?.trim())
        throw new UsageError(
          "--break-glass needs --reason",
          'say why this cannot wait for the window: --reason "1.5.0 corrupts uploads, INC-231"',
        );
      const session = await openSession(cmd, opts.env, [service]);
      const { env } = session;
      const finish = (report: Omit<RollbackReport, "environment" | "service">, code: number): void => {
        if (format === "json")
          printDocument(out, document("RollbackReport", { environment: env.name, service, ...report }));
        if (code !== ExitCode.ok) out.exitCode(code);
      };
      if (opts.to !== undefined && !Number.isInteger(Number(opts.to)))
        throw new UsageError(
          `${service} has no revision ${opts.to}`,
          `see: slipway history ${service} --env ${env.name}`,
        );
      let result: RollbackResult;
      try {
        result = await rollbackService(
          {
            project: session.project,
            env,
            cluster: session.cluster,
            ...(session.search ? { search: session.search } : {}),
            service,
            ...(opts.to !== undefined ? { to: Number(opts.to) } : {}),
            timeoutMs: parseDuration(opts.timeout, "--timeout"),
            ...(opts.allowBreakingRollback && opts.reason ? { allowBreaking: { reason: opts.reason } } : {}),
            scratchDatabase: opts.scratchDatabase as "pglite" | "server",
            ...(opts.breakGlass && opts.reason ? { breakGlass: { reason: opts.reason } } : {}),
            ...(out.signal ? { signal: out.signal } : {}),
          },
          { note: (t) => out.note(t), warn: (t) => out.error(t), events: deployEvents(out) },
        );
      } catch (error) {
        if (error instanceof RollbackTargetMissing) throw new UsageError(error.message, error.hint);
        throw error;
      }
      const { refusal, said, ...report } = result;
      if (refusal) out.error(refusal);
      if (said) shown.line(said);
      // A rollback by hand is one step: its message is told when it ends (a refused one changed nothing).
      if (report.outcome !== "refused" && report.toVersion !== undefined) {
        const notifier = await ReleaseNotifier.open({
          cluster: session.cluster,
          env,
          project: session.project.name,
          action: "rollback",
          by: await deployer(session.cluster),
          services: [{ service, to: report.toVersion }],
          warn: (text) => out.error(text),
        });
        if (notifier) {
          const outcome = report.outcome === "rolled-back" ? "deployed" : "failed";
          notifier.end({
            ok: outcome === "deployed",
            services: [
              {
                service,
                outcome,
                message: report.message,
                ...(report.revision ? { revision: report.revision } : {}),
              },
            ],
          });
          const deliveries = await notifier.settle();
          for (const d of deliveries) shown.note(deliveryLine(d));
          await recordDeliveries(
            new ReleaseStore(session.cluster, env.cluster.namespace),
            [{ service, ...(report.revision ? { revision: report.revision } : {}) }],
            deliveries,
          );
        }
      }
      finish(
        report,
        report.outcome === "refused"
          ? ExitCode.refused
          : report.outcome === "rolled-back"
            ? ExitCode.ok
            : ExitCode.failure,
      );
    });
}
