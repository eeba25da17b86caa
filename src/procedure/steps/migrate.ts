import { MigrationJobFailed, runServiceMigrations } from "../../migrations/run.ts";
import { failedStep, indentLines, releaseOf, succeeded, type Step } from "../step.ts";

/** Migrations before the rollout: they run, and are seen to finish, before the new version starts. */
export const migrate: Step = {
  name: "migrate",
  phase: "before-rollout",
  needed: ({ plan, service }) => plan.changed && service.spec.migrations !== undefined,
  describe: ({ plan }) => plan.migrations ?? "run the migrations",
  async run(run) {
    const release = releaseOf(run);
    try {
      const ran = await runServiceMigrations(run.cluster, run.env, run.service, {
        project: run.project,
        dryRun: false,
        // A resumed deploy finds its own migration Job again by this name.
        runId: `r${release.revision}`,
        timeoutMs: run.options.timeoutMs,
        onProgress: (message) => run.progress(`migrating: ${message}`),
        ...(run.options.signal ? { signal: run.options.signal } : {}),
      });
      if (ran.logs?.trim())
        run.detail(`logs of ${ran.applied[0] ?? "the migration Job"}:\n${indentLines(ran.logs)}`);
      return succeeded(`migrations (${ran.mode}): ${ran.message}`);
    } catch (error) {
      // Hook logs that never reach the person deploying are Helm's most common complaint.
      if (error instanceof MigrationJobFailed && error.logs.trim())
        run.detail(`logs of ${error.job}:\n${indentLines(error.logs)}`);
      return failedStep(
        `migrations failed: ${(error as Error).message}`,
        false,
        error instanceof MigrationJobFailed ? error.evidence : [],
      );
    }
  },
  async dryRun(run) {
    const listed = await runServiceMigrations(run.cluster, run.env, run.service, {
      project: run.project,
      dryRun: true,
      runId: "dryrun",
      timeoutMs: run.options.timeoutMs,
    });
    return succeeded(`migrations (${listed.mode}): ${listed.message}`);
  },
};
