import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platform, uniqueName } from "../support/platform.ts";

describe("local PostgreSQL", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({
      host: platform.postgres.host,
      port: platform.postgres.port,
      user: platform.secrets.postgresUser,
      password: platform.secrets.postgresPassword,
      database: "postgres",
    });
    await client.connect();
  });
  afterAll(async () => client?.end());

  it("refuses a wrong password", async () => {
    const intruder = new pg.Client({
      ...platform.postgres,
      user: platform.secrets.postgresUser,
      password: "wrong",
      database: "postgres",
    });
    await expect(intruder.connect()).rejects.toThrow(/password authentication failed/);
  });

  it("records executed queries in pg_stat_statements", async () => {
    const table = uniqueName("smoke").replace("-", "_");
    await client.query(`create table ${table} (id int primary key, note text)`);
    await client.query(`insert into ${table} values ($1, $2)`, [1, "first"]);
    await client.query(`select note from ${table} where id = $1`, [1]);
    const seen = await client.query<{ query: string; calls: string }>(
      "select query, calls from pg_stat_statements where query like $1",
      [`select note from ${table}%`],
    );
    expect(seen.rows).toHaveLength(1);
    expect(seen.rows[0]?.query).toBe(`select note from ${table} where id = $1`);
    expect(Number(seen.rows[0]?.calls)).toBeGreaterThanOrEqual(1);
    await client.query(`drop table ${table}`);
  });
});
