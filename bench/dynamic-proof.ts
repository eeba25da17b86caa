// bench/dynamic-proof: 1,000 queries proven against a 200-table schema (copied with pg_dump into
// embedded PGlite, one pending migration applied), against a baseline in the same run: PREPAREing
// the same 1,000 queries once on the live server. Needs the local platform (npm run platform -- up).
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadPlatform } from "../platform/src/connection.ts";
import { proveQueries } from "../src/checks/migrations/dynamic-proof.ts";

const platform = loadPlatform();
const database = `bench_proof_${Date.now().toString(36)}`;
const base = `postgresql://${platform.secrets.postgresUser}:${encodeURIComponent(platform.secrets.postgresPassword)}@${platform.postgres.host}:${platform.postgres.port}`;
const admin = new pg.Client({ connectionString: `${base}/postgres` });
await admin.connect();
await admin.query(`create database ${database}`);
const live = new pg.Client({ connectionString: `${base}/${database}` });
await live.connect();
try {
  await live.query(
    Array.from(
      { length: 200 },
      (_, t) =>
        `create table t${t} (id bigserial primary key, name varchar(100) not null, size int, note text, owner_id bigint);`,
    ).join("\n"),
  );
  const queries = Array.from({ length: 1000 }, (_, i) => {
    const t = i % 200;
    const u = (i * 7) % 200;
    return [
      `select id, name, size from t${t} where id = $1`,
      `select a.name, b.note from t${t} a join t${u} b on b.owner_id = a.id where a.size > $1`,
      `insert into t${t} (name, size) values ($1, $2) returning id`,
      `update t${t} set note = $1 where id = $2`,
      `delete from t${t} where id = $1`,
    ][i % 5] as string;
  });
  const t0 = performance.now();
  for (const q of queries) {
    await live.query(`prepare p as ${q}`);
    await live.query("deallocate p");
  }
  const baselineMs = performance.now() - t0;
  const migration = { name: "V2__drop_note.sql", sql: "alter table t3 drop column note;" };
  const t1 = performance.now();
  const proof = await proveQueries(`${base}/${database}`, [migration], queries);
  const proofMs = performance.now() - t1;
  console.log(
    `schema: 200 tables, queries: ${queries.length}, checked: ${proof.checked}, broken by ${migration.name}: ${proof.broken.length}`,
  );
  console.log(`baseline (prepare each once on the live server): ${baselineMs.toFixed(0)} ms`);
  console.log(
    `dynamic proof (pg_dump + PGlite load + prepare before and after): ${(proofMs / 1000).toFixed(2)} s (goal < 10 s); proof / baseline: ${(proofMs / baselineMs).toFixed(1)}x`,
  );
} finally {
  await live.end();
  await admin.query(`drop database ${database} with (force)`);
  await admin.end();
}
