import { existsSync, readFileSync, statSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpSchema } from "../../src/checks/migrations/pg-dump.ts";
import { proveQueries } from "../../src/checks/migrations/dynamic-proof.ts";
import { platform, uniqueName } from "../support/platform.ts";

// The dynamic proof copies the live schema with pg_dump: its command line is readable by every
// user of the machine (ps, /proc/<pid>/cmdline), so the password must not be on it.
const { postgresUser: user, postgresPassword: password } = platform.secrets;
const { host, port } = platform.postgres;
const database = uniqueName("pgdump").replace(/-/g, "_");
const urlFor = (db: string, secret = password): string =>
  `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@${host}:${port}/${db}`;

async function run(db: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(db) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await run("postgres", `create database ${database}`);
  await run(database, "create table ledger (id bigint primary key, amount numeric, note text)");
});
afterAll(() => run("postgres", `drop database if exists ${database} with (force)`));

describe("pg_dump of the live schema, on the real PostgreSQL", () => {
  it("runs with the password in a 0600 password file, never on its command line", async () => {
    let argv = "";
    let environ = "";
    let passfile = "";
    let passfileMode = 0;
    const schema = await dumpSchema(urlFor(database), (child, invocation) => {
      // Read while pg_dump runs: what `ps` shows every user of the machine.
      argv = readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").join(" ");
      environ = readFileSync(`/proc/${child.pid}/environ`, "utf8");
      passfile = invocation.env.PGPASSFILE ?? "";
      passfileMode = statSync(passfile).mode & 0o777;
    });
    expect(schema).toContain("CREATE TABLE public.ledger");
    expect(argv).toContain("pg_dump --schema-only --no-owner --no-privileges --dbname");
    expect(argv).toContain(`postgresql://${user}@${host}:${port}/${database}`);
    expect(argv).not.toContain(password);
    expect(argv).not.toContain(encodeURIComponent(password));
    expect(environ).not.toContain(password);
    expect(environ).toContain(`PGPASSFILE=${passfile}`);
    expect(passfileMode).toBe(0o600);
    expect(existsSync(passfile)).toBe(false); // removed once pg_dump is done
  });

  it("fails with pg_dump's reason, never the password", async () => {
    const wrong = `wrong-${Date.now()}`;
    const failure = await dumpSchema(urlFor(database, wrong)).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(failure).toContain(`password authentication failed for user "${user}"`);
    expect(failure).not.toContain(wrong);
  });

  it("is what the proof copies: a query on a dropped column is caught", async () => {
    const proof = await proveQueries(
      urlFor(database),
      [{ name: "V2__drop_note.sql", sql: "alter table ledger drop column note;" }],
      ["select id, note from ledger where id = $1", "select id, amount from ledger"],
    );
    expect(proof).toMatchObject({
      checked: 2,
      broken: [{ query: "select id, note from ledger where id = $1", migration: "V2__drop_note.sql" }],
    });
  });

  it("tells which columns a dropped NOT NULL leaves that no statement names (the evidence for ban-drop-not-null)", async () => {
    const migration = {
      name: "V2__note_optional.sql",
      sql: "alter table ledger alter column amount drop not null;",
    };
    const probes = ["ledger.amount", "ledger.note", "ledger.gone"];
    const reads = await proveQueries(
      urlFor(database),
      [migration],
      ["select id, amount from ledger", "insert into ledger (id, note) values ($1, $2)"],
      "pglite",
      probes,
    );
    expect(reads).toMatchObject({ checked: 2, broken: [], unused: [] });
    const other = await proveQueries(
      urlFor(database),
      [migration],
      ["select id from ledger where id = $1"],
      "pglite",
      probes,
    );
    // Renamed back after each probe: the second column is probed on the schema as migrated.
    expect(other.unused).toEqual(["ledger.amount", "ledger.note"]);
  });
});
