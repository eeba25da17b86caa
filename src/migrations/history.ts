import type pg from "pg";

export const historyTable = "flyway_schema_history";

export interface AppliedMigration {
  readonly installedRank: number;
  readonly version: string | null;
  readonly description: string;
  readonly type: string;
  readonly script: string;
  readonly checksum: number | null;
  readonly success: boolean;
}

/** Flyway's own table definition, so Flyway and Slipway can take turns on one database. */
export async function ensureHistoryTable(client: pg.ClientBase): Promise<void> {
  await client.query(`create table if not exists "${historyTable}" (
    "installed_rank" int not null primary key,
    "version" varchar(50),
    "description" varchar(200) not null,
    "type" varchar(20) not null,
    "script" varchar(1000) not null,
    "checksum" int,
    "installed_by" varchar(100) not null,
    "installed_on" timestamp not null default now(),
    "execution_time" int not null,
    "success" boolean not null
  )`);
  await client.query(`create index if not exists "${historyTable}_s_idx" on "${historyTable}" ("success")`);
}

export async function readHistory(client: pg.ClientBase): Promise<AppliedMigration[]> {
  const exists = await client.query<{ found: string | null }>("select to_regclass($1) as found", [
    historyTable,
  ]);
  if (!exists.rows[0]?.found) return [];
  const rows = await client.query<{
    installed_rank: number;
    version: string | null;
    description: string;
    type: string;
    script: string;
    checksum: number | null;
    success: boolean;
  }>(
    `select installed_rank, version, description, type, script, checksum, success from "${historyTable}" order by installed_rank`,
  );
  return rows.rows.map((r) => ({
    installedRank: r.installed_rank,
    version: r.version,
    description: r.description,
    type: r.type,
    script: r.script,
    checksum: r.checksum,
    success: r.success,
  }));
}

export async function recordApplied(
  client: pg.ClientBase,
  entry: {
    version: string | null;
    description: string;
    script: string;
    checksum: number;
    executionMs: number;
    success: boolean;
  },
): Promise<void> {
  await client.query(
    `insert into "${historyTable}" (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
     select coalesce(max(installed_rank), 0) + 1, $1, $2, 'SQL', $3, $4, current_user, $5, $6 from "${historyTable}"`,
    [
      entry.version,
      entry.description,
      entry.script,
      entry.checksum,
      Math.round(entry.executionMs),
      entry.success,
    ],
  );
}
