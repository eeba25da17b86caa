import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** A throwaway database that holds a copy of the live schema while the proof runs. */
export interface ScratchDatabase {
  /** Runs SQL (several statements); throws Postgres' error. */
  exec(sql: string): Promise<void>;
  /** undefined when the statement PREPAREs, else Postgres' message. */
  prepares(query: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** PREPARE and DEALLOCATE one statement: undefined when it prepares, else Postgres' message. */
async function preparesWith(
  exec: (sql: string) => Promise<unknown>,
  query: string,
): Promise<string | undefined> {
  try {
    await exec(`prepare slipway_probe as ${query}`);
    await exec("deallocate slipway_probe");
    return undefined;
  } catch (error) {
    await exec("deallocate all").catch(() => undefined);
    return (error as Error).message;
  }
}

let shared: Promise<PGlite> | undefined;

/**
 * Embedded PGlite (a real Postgres compiled to WebAssembly), the default: no server needed.
 * One instance per process (it takes seconds to start); each proof starts from empty schemas.
 */
export async function pgliteScratch(): Promise<ScratchDatabase> {
  shared ??= PGlite.create();
  const db = await shared;
  const schemas = await db.query<{ nspname: string }>(
    "select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'",
  );
  for (const { nspname } of schemas.rows) await db.exec(`drop schema "${nspname}" cascade`);
  await db.exec("create schema public; set search_path = public");
  return {
    exec: async (sql) => void (await db.exec(sql)),
    prepares: (query) => preparesWith((sql) => db.exec(sql), query),
    close: async () => undefined,
  };
}

/** A database created for the proof on the live database's own server, dropped afterwards. */
export async function serverScratch(liveUrl: string): Promise<ScratchDatabase> {
  const name = `slipway_scratch_${randomBytes(4).toString("hex")}`;
  const serverUrl = new URL(liveUrl);
  serverUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: serverUrl.toString(), connectionTimeoutMillis: 5000 });
  admin.on("error", () => undefined);
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw error;
  }
  const url = new URL(liveUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (error) {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw error;
  }
  return {
    exec: async (sql) => void (await client.query(sql)),
    prepares: (query) => preparesWith((sql) => client.query(sql), query),
    close: async () => {
      await client.end().catch(() => undefined);
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}
