import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintMigrations } from "../../src/checks/migrations/lint.ts";
import { parseMigrationName } from "../../src/definitions/flyway.ts";
import { MigrationFailed, runDirect } from "../../src/migrations/run-direct.ts";
import { platform, uniqueName } from "../support/platform.ts";

// A file with CREATE INDEX CONCURRENTLY beside another statement: the static check and the direct
// runner must say the same about it, and what they say must be what PostgreSQL does.
const { postgresUser: user, postgresPassword: password } = platform.secrets;
const database = uniqueName("notx").replace(/-/g, "_");
const urlFor = (db: string): string =>
  `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${platform.postgres.host}:${platform.postgres.port}/${db}`;

async function query<T extends pg.QueryResultRow>(db: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: urlFor(db) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const file = (name: string, sql: string) => parseMigrationName(name, sql)!;
const tables = `create table notes (id bigint primary key, owner text);\n`;
const mixed = `set lock_timeout = '5s';\ncreate index concurrently notes_owner on notes (owner);\n`;
const alone = `-- its own file: run outside a transaction\ncreate index concurrently notes_owner on notes (owner);\n`;

beforeAll(() => query("postgres", `create database ${database}`));
afterAll(() => query("postgres", `drop database if exists ${database} with (force)`));

describe("CREATE INDEX CONCURRENTLY beside other statements, on the real PostgreSQL", () => {
  it("is what PostgreSQL refuses when the file is sent as one query", async () => {
    await query(database, tables);
    await expect(query(database, mixed)).rejects.toThrow(
      "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
    );
    await query(database, "drop table notes");
  });

  it("is refused by the static check and by the runner at the same place, before any file runs", async () => {
    const findings = await lintMigrations([
      { name: "V1__notes.sql", sql: tables },
      { name: "V2__notes_owner.sql", sql: mixed },
    ]);
    const refused = findings.filter((f) => f.rule === "non-transactional-not-alone");
    expect(refused).toMatchObject([{ severity: "error", file: "V2__notes_owner.sql", line: 2, column: 1 }]);
    expect(refused[0]?.hint).toContain("put CREATE INDEX CONCURRENTLY in a file of its own");

    const failure = await runDirect(urlFor(database), [
      file("V1__notes.sql", tables),
      file("V2__notes_owner.sql", mixed),
    ]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationFailed);
    expect(failure).toMatchObject({ file: "V2__notes_owner.sql", location: ":2:1" });
    expect((failure as MigrationFailed).postgresMessage).toContain(
      "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this file has 1 other statement(s)",
    );
    expect((failure as MigrationFailed).postgresMessage).toContain("nothing was run");
    // Nothing ran: not V1 either.
    expect(
      await query(database, "select to_regclass('notes') as t, to_regclass('flyway_schema_history') as h"),
    ).toEqual([{ t: null, h: null }]);
  });

  it("runs it outside a transaction in a file of its own, as the check lets through", async () => {
    const files = [file("V1__notes.sql", tables), file("V2__notes_owner.sql", alone)];
    expect((await lintMigrations(files)).filter((f) => f.severity === "error")).toEqual([]);
    const result = await runDirect(urlFor(database), files);
    expect(result.applied.map((f) => f.name)).toEqual(["V1__notes.sql", "V2__notes_owner.sql"]);
    expect(
      await query(database, "select indisvalid from pg_index where indexrelid = 'notes_owner'::regclass"),
    ).toEqual([{ indisvalid: true }]);
  });
});
