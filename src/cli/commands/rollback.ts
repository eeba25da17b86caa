import type { Command } from "commander";
import { restoreRelease } from "../../procedure/rollback.ts";
import { currentCommit, deployer } from "../../procedure/identity.ts";
import { DeployLock } from "../../procedure/lock.ts";
import { checkCutover } from "../../checks/gate/cutover.ts";
import { objectKey, readLiveState } from "../../plan/live-state.ts";
import { ReleaseStore } from "../../release/store.ts";
import { deployEvents } from "../deploy-report.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";
import { parseDuration } from "../duration.ts";
import { servicesIn } from "../../definitions/model.ts";
import { proveRollback, type RollbackProof } from "../../checks/migrations/rollback-proof.ts";
import type { ReleaseRecord } from "../../release/record.ts";
import { document } from "../../output/document.ts";
import type { RollbackReport } from "../../output/documents.ts";
import { ExitCode } from "../exit-codes.ts";
import { humanOnStderr, outputFormat, printDocument } from "../output-format.ts";

interface RollbackOptions {
  env: string;
  to?: string;
  timeout: string;
  allowBreakingRollback?: boolean;
  reason?: string;
  scratchDatabase: string;
  output: string;
}

const oneLine = (query: string): string => query.replace(/\s+/g, " ").trim();

/** Why the schema of today breaks the release, with the migrations since and the ways out. */
function refusal(service: string, target: ReleaseRecord, proof: RollbackProof): string {
  const to = `revision ${target.revision} (${target.version})`;
  const since = proof.appliedSince.length
    ? `migrations applied since ${to}: ${proof.appliedSince.join(", ")}`
    : `no migration was applied since ${to}`;
  const way =
    'the way out: a forward fix (deploy a version that runs on this schema), or --allow-breaking-rollback --reason "..."; nothing was changed';
  if (proof.unavailable)
    return `error: refused: the schema check of ${service} ${to} cannot run: ${proof.unavailable}\n  ${way}`;
  const lines = proof.broken.map(
    (b) =>
      `  ${oneLine(b.query)}\n    no longer prepares (Postgres: ${b.message})${b.migration ? `; broken by ${b.migration}` : `; one of the migrations applied since broke it`}`,
  );
  return [
    `error: refused: rolling back ${service} to ${to} breaks ${proof.broken.length} of its ${proof.checked} recorded statement(s) on the current schema:`,
    ...lines,
    `  ${since}`,
    `  ${way}`,
  ].join("\n");
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
      const session = await openSession(cmd, opts.env, [service]);
      const { env, cluster } = session;
      const finish = (report: Omit<RollbackReport, "environment" | "service">, code: number): void => {
        if (format === "json")
          printDocument(out, document("RollbackReport", { environment: env.name, service, ...report }));
        if (code !== ExitCode.ok) out.exitCode(code);
      };
      const namespace = env.cluster.namespace;
      // A cut-over environment runs nothing: rolling back would start it beside where it moved.
      const live = await readLiveState(cluster, namespace, session.project.name, env.name, out.signal);
      const cutover = checkCutover(env, live, [service]);
      if (cutover) {
        out.error(`error: refused: ${cutover.problems.join("; ")}`);
        return finish(
          { outcome: "refused", message: cutover.problems.join("; "), checks: [] },
          ExitCode.refused,
        );
      }
      const store = new ReleaseStore(cluster, namespace);
      const summaries = await store.summaries(service);
      const current = summaries.find((s) => s.status === "deployed");
      const target = opts.to
        ? summaries.find((s) => s.revision === Number(opts.to))
        : summaries.find(
            (s) => s.revision !== current?.revision && (s.status === "superseded" || s.status === "deployed"),
          );
      if (!target)
        throw new UsageError(
          opts.to
            ? `${service} has no revision ${opts.to}`
            : `${service} has no earlier release to roll back to`,
          `see: slipway history ${service} --env ${env.name}`,
        );
      const lock = new DeployLock(cluster, namespace);
      await lock.acquire();
      try {
        const release = await store.get(service, target.revision);
        const currentRecord = current ? await store.get(service, current.revision) : undefined;
        // Migrations since that release may have dropped what it reads: prepare its statements first.
        const model = servicesIn(session.project, env.name, [service])[0];
        const checks: ReleaseRecord["checks"] = [];
        const overrides: string[] = [];
        if (model?.spec.migrations) {
          const proof = await proveRollback(
            cluster,
            env,
            model,
            release,
            opts.scratchDatabase as "pglite" | "server",
          );
          const by = await deployer(cluster);
          const recorded = release.statements?.queries.length
            ? `${proof.checked} recorded statement(s) of revision ${release.revision} (${release.statements.sources.join(" and ")})${proof.omitted ? `; ${proof.omitted} more over the record's cap were not kept, nor checked` : ""}`
            : `revision ${release.revision} recorded no statements (no queries file, and not superseded by a deploy that read pg_stat_statements): nothing to prepare`;
          const since = proof.appliedSince.length
            ? `migrations applied since: ${proof.appliedSince.join(", ")}`
            : "no migration applied since";
          if (proof.unavailable || proof.broken.length) {
            if (!opts.allowBreakingRollback || !opts.reason) {
              const said = refusal(service, release, proof);
              out.error(said);
              return finish(
                {
                  outcome: "refused",
                  toRevision: release.revision,
                  toVersion: release.version,
                  message: said.replace(/^error: refused: /, ""),
                  checks: [
                    {
                      check: "rollback/schema",
                      outcome: "failed",
                      message: proof.unavailable
                        ? `cannot run: ${proof.unavailable}`
                        : `${proof.broken.length} of ${proof.checked} recorded statement(s) do not prepare on the current schema`,
                    },
                  ],
                },
                ExitCode.refused,
              );
            }
            out.error(refusal(service, release, proof).replace(/^error: refused: /, "warning: "));
            const said = `breaking rollback allowed by ${by}: ${opts.reason}`;
            overrides.push(said);
            checks.push({
              check: "rollback/schema",
              outcome: "allowed",
              message: `${proof.unavailable ? `cannot run: ${proof.unavailable}` : `${proof.broken.length} of ${recorded} do not prepare on the current schema: ${proof.broken.map((b) => `${oneLine(b.query)} (${b.message}${b.migration ? `; broken by ${b.migration}` : ""})`).join("; ")}`}; ${said}`,
            });
          } else {
            checks.push({
              check: "rollback/schema",
              outcome: "passed",
              message: `${release.statements?.queries.length ? `${recorded} prepare on the current schema` : recorded}; ${since}`,
            });
          }
          out.note(`${service}: schema check: ${checks.at(-1)?.message ?? ""}`);
        }
        out.note(`${service}: rolling back to revision ${release.revision} (${release.version})`);
        const outcome = await restoreRelease(
          cluster,
          release,
          {
            ...(session.search ? { search: session.search } : {}),
            ...(env.search?.indexPrefix ? { auditIndexPrefix: env.search.indexPrefix } : {}),
            timeoutMs: parseDuration(opts.timeout, "--timeout"),
            ...(out.signal ? { signal: out.signal } : {}),
          },
          deployEvents(out),
        );
        const revision = (summaries[0]?.revision ?? 0) + 1;
        const now = new Date().toISOString();
        if (outcome.successful && currentRecord) {
          const kept = new Set(release.objects.map(objectKey));
          for (const o of currentRecord.objects.filter((o) => !kept.has(objectKey(o))))
            await cluster.delete(o.kind ?? "", o.metadata?.name ?? "", namespace);
        }
        await store.create({
          ...release,
          revision,
          checks: [...release.checks, ...checks],
          overrides: [...(release.overrides ?? []), ...overrides],
          status: outcome.successful ? "deployed" : "failed",
          steps: [
            {
              step: "rollback",
              status: outcome.successful ? "done" : "failed",
              at: now,
              message: outcome.message,
            },
          ],
          deployedBy: await deployer(cluster),
          commit: currentCommit(process.cwd()),
          startedAt: now,
          finishedAt: new Date().toISOString(),
          description: `rollback to revision ${release.revision} (${release.version})`,
        });
        if (outcome.successful && currentRecord)
          await store.update({ ...currentRecord, status: "superseded" });
        shown.line(
          `${service}: ${outcome.successful ? "rolled back" : "ROLLBACK FAILED"} to revision ${release.revision} (${release.version}) as revision ${revision}: ${outcome.message}`,
        );
        finish(
          {
            outcome: outcome.successful ? "rolled-back" : "failed",
            toRevision: release.revision,
            toVersion: release.version,
            revision,
            message: outcome.message,
            checks,
          },
          outcome.successful ? ExitCode.ok : ExitCode.failure,
        );
      } finally {
        await lock.release();
      }
    });
}
