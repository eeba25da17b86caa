import { performance } from "node:perf_hooks";
import pg from "pg";
import type { MigrationFile } from "../definitions/model.ts";
import { ensureHistoryTable, readHistory, recordApplied } from "./history.ts";
import { pendingMigrations, type HistoryProblem, type PendingMigration } from "./pending.ts";
import { fileTransaction, notAloneHint, notAloneMessage, type FileTransaction } from "./transaction-block.ts";

/** A migration Postgres refused: which file, where in it, and Postgres' own words. */
export class MigrationFailed extends Error {
  constructor(
    readonly file: string,
    readonly location: string,
    readonly postgresMessage: string,
  ) {
    super(`${file}${location}: ${postgresMessage}`);
    this.name = "MigrationFailed";
  }
}

export class MigrationHistoryMismatch extends Error {
  constructor(readonly problems: readonly HistoryProblem[]) {
    super(problems.map((p) => p.message).join("\n"));
    this.name = "MigrationHistoryMismatch";
  }
}

export interface DirectRunOptions {
  readonly dryRun?: boolean;
  /** How a file can run; by default as the static check decides it (the real Postgres parser). */
  readonly fileTransaction?: (sql: string) => Promise<FileTransaction>;
  readonly onApplied?: (file: string, ms: number) => void;
}

/** A file marked to run outside a transaction, whatever its statements. */
const markedNoTransaction = (sql: string): boolean => /--\s*slipway:no-transaction\b/i.test(sql);

/** Where in the file Postgres' error position (1-based, in characters) points, as ":line:column". */
function locate(sql: string, position: string | undefined): string {
  const offset = Number(position);
  if (!Number.isInteger(offset) || offset < 1) return "";
  const before = sql.slice(0, offset - 1).split("\n");
  return `:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

/** The parser's byte offset as ":line:column". */
function locateBytes(sql: string, offset: number): string {
  const before = Buffer.from(sql, "utf8").subarray(0, offset).toString("utf8");
  const skipped = /^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/.exec(sql.slice(before.length))?.[0] ?? "";
  return locate(sql, String(before.length + skipped.length + 1));
}

/**
 * Applies pending migrations straight to the database, each in its own transaction (unless it
 * cannot be), recording each in Flyway's history table. An advisory lock keeps two runners apart.
 */
export async function runDirect(
  connectionString: string,
  files: readonly MigrationFile[],
  options: DirectRunOptions = {},
): Promise<{ applied: PendingMigration[]; pending: PendingMigration[] }> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('flyway_schema_history'))");
    const state = pendingMigrations(files, await readHistory(client));
    if (state.problems.length) throw new MigrationHistoryMismatch(state.problems);
    if (options.dryRun) return { applied: [], pending: [...state.pending] };
    // Decided for every file before any runs, as the static check decides it: a file that cannot
    // run is refused with nothing applied, not found out halfway.
    const modes = new Map<PendingMigration, FileTransaction>();
    for (const file of state.pending) {
      const mode = await (options.fileTransaction ?? fileTransaction)(file.sql);
      if (mode.mode === "refused")
        throw new MigrationFailed(
          file.name,
          locateBytes(file.sql, mode.offset),
          `${notAloneMessage(mode)}; nothing was run. Fix: ${notAloneHint(mode)}`,
        );
      modes.set(file, mode);
    }
    await ensureHistoryTable(client);
    const applied: PendingMigration[] = [];
    for (const file of state.pending) {
      const transactional = modes.get(file)?.mode === "transaction" && !markedNoTransaction(file.sql);
      const started = performance.now();
      const record = (success: boolean): Promise<void> =>
        recordApplied(client, {
          version: file.version ?? null,
          description: file.description,
          script: file.name,
          checksum: file.checksum,
          executionMs: performance.now() - started,
          success,
        });
      try {
        if (transactional) await client.query("begin");
        await client.query(file.sql);
        await record(true);
        if (transactional) await client.query("commit");
      } catch (error) {
        const pgError = error as pg.DatabaseError;
        if (transactional) await client.query("rollback").catch(() => undefined);
        else await record(false).catch(() => undefined);
        throw new MigrationFailed(
          file.name,
          locate(file.sql, pgError.position),
          `${pgError.message}${pgError.code ? ` (SQLSTATE ${pgError.code})` : ""}${transactional ? "" : "; it ran outside a transaction, so part of it may have been applied"}`,
        );
      }
      applied.push(file);
      options.onApplied?.(file.name, performance.now() - started);
    }
    return { applied, pending: [] };
  } finally {
    await client.query("select pg_advisory_unlock_all()").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
