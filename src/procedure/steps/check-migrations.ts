import { blocking, formatFinding } from "../../checks/migrations/finding.ts";
import { lintMigrations } from "../../checks/migrations/lint.ts";
import { proveWithLiveQueries, readLiveStatements } from "../../checks/migrations/live-proof.ts";
import { shippedFrom } from "../../migrations/image-files.ts";
import { runServiceMigrations } from "../../migrations/run.ts";
import { statementCap, withStatements, type ReleaseRecord } from "../../release/record.ts";
import { failedStep, releaseOf, succeeded, type ServiceRun, type Step } from "../step.ts";

/** Pending files: job mode knows them from the release that shipped the others; direct asks the database. */
async function pendingMigrations(run: ServiceRun): Promise<readonly string[]> {
  const { service } = run;
  if (service.spec.migrations?.mode === "job") {
    const shipped = new Set((run.previous?.migrations ?? []).map((m) => m.name));
    return service.migrations.filter((m) => !shipped.has(m.name)).map((m) => m.name);
  }
  const listed = await runServiceMigrations(run.cluster, run.env, service, {
    project: run.project,
    dryRun: true,
    runId: "check",
    timeoutMs: run.options.timeoutMs,
  });
  return listed.pending;
}

const allowBreaking = (release: ReleaseRecord, count: number, by: string, reason: string): void => {
  release.overrides = [...(release.overrides ?? []), `breaking migrations allowed by ${by}: ${reason}`];
  release.checks.push({
    check: "migrations/override",
    outcome: "allowed",
    message: `${count} breaking change(s) allowed by ${by}: ${reason}`,
  });
};

const skipProof = (release: ReleaseRecord, by: string, reason: string): string => {
  const said = `dynamic proof skipped by ${by}: ${reason}`;
  release.overrides = [...(release.overrides ?? []), said];
  release.checks.push({ check: "migrations/dynamic-proof", outcome: "skipped", message: said });
  return said;
};

/**
 * The running version is about to be superseded: what pg_stat_statements saw it run goes into
 * its release record, so a later `rollback --to` it can prepare them against the schema then.
 */
async function recordLiveStatements(run: ServiceRun, live: readonly string[] | undefined): Promise<void> {
  const previous = run.previous;
  if (!previous || !live?.length) return;
  const before = previous.statements;
  previous.statements = withStatements(before, live, "pg_stat_statements");
  if (previous.statements.queries.length === before?.queries.length && !previous.statements.omitted) return;
  try {
    await run.store.update(previous);
    run.detail(
      `recorded ${previous.statements.queries.length} statement(s) of the running version in revision ${previous.revision}${previous.statements.omitted ? ` (capped at ${statementCap}; ${previous.statements.omitted} more not kept)` : ""}`,
    );
  } catch (error) {
    run.detail(
      `warning: could not record the running version's statements in revision ${previous.revision}: ${(error as Error).message}`,
    );
  }
}

/** Old and new co-exist: the running version must survive every pending migration, checked before any runs. */
export const checkMigrations: Step = {
  name: "check-migrations",
  phase: "before-rollout",
  needed: ({ plan, service }) => plan.changed && service.spec.migrations !== undefined,
  describe: () =>
    "check the pending migrations against the running version: static rules, then its live queries on a scratch copy",
  async run(run) {
    const { service, options } = run;
    const release = releaseOf(run);
    const shipped = run.plan.shippedMigrations;
    // Checking nothing is no check: files in the image must have been read by the plan.
    if (service.spec.migrations?.image && !shipped)
      return failedStep(
        `migrations ship in the image (${service.spec.migrations.image}) and the plan did not read them from its digest: nothing to check`,
      );
    if (shipped) run.detail(`${shipped.files.length} migration file(s) from image ${shippedFrom(shipped)}`);
    let pendingNames: readonly string[];
    try {
      pendingNames = await pendingMigrations(run);
    } catch (error) {
      const database = service.spec.migrations?.database ?? "";
      return failedStep(`migrations cannot be checked: database "${database}": ${(error as Error).message}`);
    }
    const pendingSet = new Set(pendingNames);
    const pending = service.migrations
      .filter((m) => pendingSet.has(m.name))
      .map((m) => ({ name: m.name, sql: m.sql }));
    const applied = service.migrations
      .filter((m) => !pendingSet.has(m.name) && m.kind === "versioned")
      .map((m) => ({ name: m.name, sql: m.sql }));
    let findings = await lintMigrations(pending, applied);
    let unavailable: string | undefined;
    if (pending.length && options.skipDynamicProof) {
      run.detail(skipProof(release, options.deployedBy, options.skipDynamicProof.reason));
    } else if (pending.length) {
      const proof = await proveWithLiveQueries(run.cluster, run.env, service, pending, findings, {
        evidenceWindowMs: options.evidenceWindowMs ?? 24 * 3_600_000,
        scratchDatabase: options.scratchDatabase ?? "pglite",
        runningStatements: run.previous?.statements?.queries,
      });
      run.detail(proof.summary);
      release.checks.push(proof.check);
      findings = proof.findings;
      unavailable = proof.unavailable;
      await recordLiveStatements(run, proof.liveStatements);
    } else if (!options.skipDynamicProof) {
      await recordLiveStatements(run, await readLiveStatements(run.cluster, run.env, service));
    }
    for (const f of findings) {
      release.checks.push({
        check: `migrations/${f.rule}`,
        outcome: f.suppressed ? "suppressed" : f.severity,
        message: formatFinding(f),
      });
      run.detail(formatFinding(f).replace(/\n/g, "\n    "));
    }
    // Nothing shows the running version survives the migrations: no deploy on the static check alone.
    if (unavailable)
      return failedStep(
        `the dynamic proof cannot run: ${unavailable} (fix that: the proof needs the database reachable from here, with pg_stat_statements; or --skip-dynamic-proof --reason "..." deploys on the static check alone)`,
      );
    const errors = findings.filter(blocking);
    if (errors.length && !options.allowBreakingMigrations)
      return failedStep(
        `migration check refused ${errors.length} breaking change(s): ${errors.map((f) => `${f.file}:${f.line} ${f.rule}`).join(", ")} (see the fixes above; --allow-breaking-migrations --reason "..." overrides)`,
      );
    if (errors.length && options.allowBreakingMigrations) {
      allowBreaking(release, errors.length, options.deployedBy, options.allowBreakingMigrations.reason);
      run.detail(
        `allowing ${errors.length} breaking migration change(s): ${options.allowBreakingMigrations.reason}`,
      );
    }
    return succeeded(
      `migrations checked: ${pending.length} pending, ${findings.length} finding(s), ${errors.length} blocking`,
    );
  },
};
