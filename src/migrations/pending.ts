import { compareVersions } from "../definitions/flyway.ts";
import type { MigrationFile } from "../definitions/model.ts";
import { flywayChecksum } from "./checksum.ts";
import type { AppliedMigration } from "./history.ts";

export interface PendingMigration extends MigrationFile {
  readonly checksum: number;
}

/** Why the database and the files disagree in a way no migration can fix by running. */
export interface HistoryProblem {
  readonly file: string;
  readonly message: string;
}

export interface MigrationState {
  readonly applied: readonly AppliedMigration[];
  readonly pending: readonly PendingMigration[];
  readonly problems: readonly HistoryProblem[];
}

/** Which files still have to run, by Flyway's rules; edited or failed history is a problem, not a re-run. */
export function pendingMigrations(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
): MigrationState {
  const problems: HistoryProblem[] = [];
  const pending: PendingMigration[] = [];
  const ok = applied.filter((a) => a.success);
  for (const failedRun of applied.filter((a) => !a.success)) {
    problems.push({
      file: failedRun.script,
      message: `an earlier run of ${failedRun.script} failed and is recorded as failed in flyway_schema_history: fix the database by hand, then delete that row`,
    });
  }
  const appliedVersions = new Map(ok.filter((a) => a.version !== null).map((a) => [a.version as string, a]));
  const highest = [...appliedVersions.keys()].sort(compareVersions).at(-1);
  for (const file of files) {
    const checksum = flywayChecksum(file.sql);
    if (file.kind === "versioned" && file.version) {
      const done = appliedVersions.get(file.version);
      if (done) {
        if (done.checksum !== null && done.checksum !== checksum) {
          problems.push({
            file: file.name,
            message: `${file.name} was applied (as ${done.script}) and has been edited since: checksum ${done.checksum} in the database, ${checksum} on disk. Applied migrations must not change: put the change in a new V file`,
          });
        }
        continue;
      }
      if (highest && compareVersions(file.version, highest) < 0) {
        problems.push({
          file: file.name,
          message: `${file.name} is older than the applied version ${highest} and was never applied: Flyway would refuse it too (out of order); give it a version above ${highest}`,
        });
        continue;
      }
      pending.push({ ...file, checksum });
    } else {
      const last = [...ok].reverse().find((a) => a.version === null && a.script === file.name);
      if (!last || last.checksum !== checksum) pending.push({ ...file, checksum });
    }
  }
  return { applied, pending, problems };
}
