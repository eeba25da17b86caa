// The service's database (DATABASE_URL): a small pool, queries, transactions, and the readiness
// question "does it answer select 1?".
import pg from "pg";
import type { Db } from "./program.ts";

export interface Database extends Db {
  /** undefined when the database answers `select 1`, else why not. */
  unready(): Promise<string | undefined>;
  end(): Promise<void>;
}

export function openDatabase(connectionString: string, onError: (message: string) => void): Database {
  const pool = new pg.Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 10_000,
    query_timeout: 10_000,
  });
  // An idle connection the server drops (a restart) must not crash the process.
  pool.on("error", (error) => onError(`database: idle connection lost: ${error.message}`));
  const over = (client: pg.Pool | pg.PoolClient): Db => ({
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, [...params]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
      if (client !== pool) return work(over(client)); // already inside one
      const connection = await pool.connect();
      try {
        await connection.query("begin");
        const result = await work(over(connection));
        await connection.query("commit");
        return result;
      } catch (error) {
        await connection.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
  });
  return {
    ...over(pool),
    async unready() {
      try {
        await pool.query("select 1");
        return undefined;
      } catch (error) {
        return `the database does not answer select 1: ${(error as Error).message}`;
      }
    },
    end: () => pool.end(),
  };
}
