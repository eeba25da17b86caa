import pg from "pg";
import type { MigrationSource } from "./lint.ts";
import { dumpSchema, redact } from "./pg-dump.ts";
import { pgliteScratch, serverScratch, type ScratchDatabase } from "./scratch.ts";
import { loadParser } from "./lint.ts";
import { parseSync } from "libpg-query";

export interface LiveQueries {
  readonly queries: readonly string[];
  /** Since when pg_stat_statements has collected: the evidence's coverage. */
  readonly since: Date | undefined;
}

export interface BrokenQuery {
  readonly query: string;
  readonly migration: string;
  readonly message: string;
}

export interface ProofResult {
  readonly checked: number;
  /** The statements that prepare on the live schema as it stands (those `checked`). */
  readonly prepared: readonly string[];
  readonly broken: readonly BrokenQuery[];
  /**
   * Of the probed columns (`table.column`), those no statement names: with the column renamed
   * away for a moment on the migrated copy, every statement that still prepared still does.
   */
  readonly unused: readonly string[];
  /** A pending migration that fails on a copy of the live schema. */
  readonly failedMigration?: {
    readonly name: string;
    readonly message: string;
    readonly line: number;
    readonly column: number;
  };
}

/** The proof cannot run: the database cannot be reached or read, or lacks pg_stat_statements. */
export class ProofUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProofUnavailable";
  }
}

/** Postgres' or the network's own words for why a connection or a query failed, never the password. */
export function databaseFailure(doing: string, url: string, error: unknown): ProofUnavailable {
  const e = error as { message?: string; code?: string };
  const sqlstate = e.code && /^[0-9A-Z]{5}$/.test(e.code) ? ` (SQLSTATE ${e.code})` : "";
  return new ProofUnavailable(redact(`${doing}: ${e.message ?? String(error)}${sqlstate}`, url));
}

/** The running version's statements, as pg_stat_statements saw them in this database. */
export async function liveQueries(url: string, role?: string): Promise<LiveQueries> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // An unhandled 'error' event would end the process: a dropped connection is a failed query.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw databaseFailure("cannot connect", url, error);
  }
  try {
    const installed = await client.query("select 1 from pg_extension where extname = 'pg_stat_statements'");
    if (installed.rowCount === 0)
      throw new ProofUnavailable(
        "pg_stat_statements is not installed in this database (CREATE EXTENSION pg_stat_statements), so the running version's queries are unknown",
      );
    const rows = await client.query<{ query: string }>(
      `select query from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
          and ($1::text is null or userid = (select oid from pg_roles where rolname = $1))
          and query ~* '^\\s*(select|insert|update|delete|with)\\M'
          and query !~* '(flyway_schema_history|pg_catalog|pg_stat|information_schema|pg_extension)'
        order by calls desc`,
      [role ?? null],
    );
    const info = await client
      .query<{ stats_reset: Date | null }>("select stats_reset from pg_stat_statements_info")
      .catch(() => ({ rows: [] as { stats_reset: Date | null }[] }));
    const since = info.rows[0]?.stats_reset ?? undefined;
    return { queries: [...new Set(rows.rows.map((r) => r.query))], since: since ?? undefined };
  } catch (error) {
    if (error instanceof ProofUnavailable) throw error;
    throw databaseFailure("cannot read pg_stat_statements", url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where the copy of the live schema lives: embedded PGlite (default) or the live server. */
export type ScratchKind = "pglite" | "server";

/** A scratch database holding a copy of the live schema (`pg_dump --schema-only`); close it after. */
async function scratchWithLiveSchema(url: string, scratchKind: ScratchKind): Promise<ScratchDatabase> {
  // The password goes through a password file, never on pg_dump's command line (pg-dump.ts).
  const schema = await dumpSchema(url).catch((error: Error) => {
    throw new ProofUnavailable(`pg_dump of the live schema failed: ${error.message}`);
  });
  // pg_dump writes psql meta-commands (\restrict since 15.14), and extensions the scratch may lack.
  const sql = schema
    .split("\n")
    .filter((line) => !line.startsWith("\\") && !/^(CREATE EXTENSION|COMMENT ON EXTENSION)\b/.test(line))
    .join("\n");
  const scratch =
    scratchKind === "server"
      ? await serverScratch(url).catch((error: unknown) => {
          throw databaseFailure("cannot create the scratch database on the live server", url, error);
        })
      : await pgliteScratch();
  try {
    await scratch.exec(sql);
    await scratch.exec("set search_path = public");
  } catch (error) {
    await scratch.close();
    throw new ProofUnavailable(
      `cannot load the live schema into the scratch database: ${(error as Error).message}`,
    );
  }
  return scratch;
}

/**
 * PREPAREs statements against a scratch copy of the live schema as it stands, no migration
 * applied: what a rollback to the version that runs them meets.
 */
export async function prepareOnLiveSchema(
  url: string,
  queries: readonly string[],
  scratchKind: ScratchKind = "pglite",
): Promise<{ readonly checked: number; readonly broken: readonly { query: string; message: string }[] }> {
  const scratch = await scratchWithLiveSchema(url, scratchKind);
  try {
    const broken: { query: string; message: string }[] = [];
    for (const query of queries) {
      const message = await scratch.prepares(query);
      if (message) broken.push({ query, message });
    }
    return { checked: queries.length, broken };
  } finally {
    await scratch.close();
  }
}

/**
 * PREPAREs every live query against a scratch copy of the live schema, after each pending
 * migration in turn: a query that stops preparing names the migration that broke it.
 */
export async function proveQueries(
  url: string,
  pending: readonly MigrationSource[],
  queries: readonly string[],
  scratchKind: ScratchKind = "pglite",
  /** Columns (`table.column`) to look for the statements' use of, after the migrations. */
  probes: readonly string[] = [],
): Promise<ProofResult> {
  const scratch = await scratchWithLiveSchema(url, scratchKind);
  try {
    // Only queries that prepare on today's schema can tell anything about tomorrow's.
    const candidates: string[] = [];
    for (const q of queries) if ((await scratch.prepares(q)) === undefined) candidates.push(q);
    const broken: BrokenQuery[] = [];
    let standing = candidates;
    for (const migration of pending) {
      try {
        await scratch.exec(migration.sql.replace(/\bconcurrently\b/gi, ""));
      } catch (error) {
        const offset = Number((error as { position?: string | number }).position ?? "0");
        const before = migration.sql.slice(0, Math.max(0, offset - 1)).split("\n");
        const at =
          offset > 0
            ? { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 }
            : { line: 1, column: 1 };
        return {
          checked: candidates.length,
          prepared: candidates,
          broken,
          unused: [],
          failedMigration: { name: migration.name, message: (error as Error).message, ...at },
        };
      }
      const still: string[] = [];
      for (const q of standing) {
        const message = await scratch.prepares(q);
        if (message) broken.push({ query: q, migration: migration.name, message });
        else still.push(q);
      }
      standing = still;
    }
    return {
      checked: candidates.length,
      prepared: candidates,
      broken,
      unused: await unusedColumns(scratch, probes, standing),
    };
  } finally {
    await scratch.close();
  }
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The probed columns no statement names. A column is renamed away and back, not dropped: PREPARE
 * fails on a statement that names it either way, and the copy needs no transaction to undo it.
 * One that cannot be renamed (gone, or no plain column) gives no evidence.
 */
async function unusedColumns(
  scratch: ScratchDatabase,
  probes: readonly string[],
  statements: readonly string[],
): Promise<string[]> {
  const unused: string[] = [];
  for (const probe of probes) {
    const dot = probe.indexOf(".");
    const table = ident(probe.slice(0, dot));
    const column = probe.slice(dot + 1);
    const away = ident(`slipway_probe_${column}`);
    try {
      await scratch.exec(`alter table ${table} rename column ${ident(column)} to ${away}`);
    } catch {
      continue;
    }
    let used = false;
    for (const s of statements) if ((used = (await scratch.prepares(s)) !== undefined)) break;
    await scratch.exec(`alter table ${table} rename column ${away} to ${ident(column)}`);
    if (!used) unused.push(probe);
  }
  return unused;
}

/** Splits a file of statements with the real parser (so ";" inside strings is no separator). */
export async function splitStatements(text: string): Promise<string[]> {
  await loadParser();
  const bytes = Buffer.from(text, "utf8");
  return (parseSync(text).stmts ?? []).map((s) =>
    bytes
      .subarray(s.stmt_location ?? 0, (s.stmt_location ?? 0) + (s.stmt_len ?? bytes.length))
      .toString("utf8")
      .trim(),
  );
}
