// --run-script migrate-db: applies the Flyway-named migrations the image carries to DATABASE_URL
// with Slipway's own runner (src/migrations/run-direct.ts), so flyway_schema_history holds exactly
// the rows and checksums Slipway reads: each file in its own transaction, an advisory lock
// keeping two runners apart, a file edited after it ran refused.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { migrationSet } from "../../../src/definitions/flyway.ts";
import { MigrationFailed, MigrationHistoryMismatch, runDirect } from "../../../src/migrations/run-direct.ts";
import type { FileTransaction } from "../../../src/migrations/transaction-block.ts";

/**
 * The example's own tool decides by itself, as a service's migration tool would (Flyway has its
 * rules): a file that says CONCURRENTLY runs outside a transaction. Slipway's parser, WebAssembly
 * with a file of its own, stays out of the bundled image.
 */
const byKeyword = async (sql: string): Promise<FileTransaction> =>
  /\bconcurrently\b/i.test(sql) ? { mode: "none" } : { mode: "transaction" };
import type { Output } from "./server.ts";

/** The first of the folders (absolute in the image, under `root`) that exists. */
export function migrationFolder(root: string, folders: readonly string[]): string | undefined {
  return folders.find((folder) => existsSync(join(root, folder)));
}

/** Runs the migrations; returns the exit code. */
export async function migrate(
  root: string,
  folders: readonly string[],
  databaseUrl: string | undefined,
  out: Output,
): Promise<number> {
  const folder = migrationFolder(root, folders);
  if (!folder) {
    out.warn(`migrate-db: this image has no migrations (looked in ${folders.join(", ")})`);
    return 1;
  }
  if (!databaseUrl) {
    out.warn("migrate-db: DATABASE_URL is not set: no database to migrate");
    return 1;
  }
  const dir = join(root, folder);
  const sqlFiles = readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
  const { files, problems } = migrationSet(sqlFiles);
  if (problems.length) {
    for (const problem of problems) out.warn(`migrate-db: ${folder}: ${problem}`);
    return 1;
  }
  try {
    const { applied } = await runDirect(databaseUrl, files, {
      fileTransaction: byKeyword,
      onApplied: (file, ms) => out.log(`migrate-db: applied ${file} (${Math.round(ms)} ms)`),
    });
    out.log(
      applied.length
        ? `migrate-db: applied ${applied.length} migration(s) from ${folder}`
        : `migrate-db: nothing to apply: the ${files.length} migration(s) in ${folder} are all applied`,
    );
    return 0;
  } catch (error) {
    if (error instanceof MigrationFailed) {
      out.warn(
        `migrate-db: ${error.file} failed${error.location ? ` at ${error.location.slice(1)}` : ""}: ${error.postgresMessage}`,
      );
      out.warn(`migrate-db: ${error.file} was rolled back; the files before it stay applied`);
    } else if (error instanceof MigrationHistoryMismatch) {
      for (const problem of error.problems) out.warn(`migrate-db: ${problem.message}`);
    } else out.warn(`migrate-db: ${(error as Error).message}`);
    return 1;
  }
}
