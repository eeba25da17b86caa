// bench/migrations: the static check over 1,000 generated migration files with the real Postgres
// parser, against a baseline in the same process: parsing the same files alone (the parser's own
// cost, which the check cannot go below). Print both and the ratio.
import { performance } from "node:perf_hooks";
import { parseSync } from "libpg-query";
import { lintMigrations, loadParser } from "../src/checks/migrations/lint.ts";

const count = Number(process.argv[2] ?? 1000);
const history = [
  {
    name: "V0__base.sql",
    sql: Array.from(
      { length: 200 },
      (_, t) =>
        `create table t${t} (id bigserial primary key, name varchar(100) not null, size int, note text);`,
    ).join("\n"),
  },
];
const statements = [
  (t: number) => `alter table t${t} add column c${t} text;`,
  (t: number) => `create index concurrently i${t} on t${t} (name);`,
  (t: number) => `alter table t${t} alter column name type varchar(200);`,
  (t: number) => `alter table t${t} add constraint k${t} check (size >= 0) not valid;`,
  (t: number) => `create table n${t} (id int primary key, t_id bigint references t${t}(id));`,
];
const files = Array.from({ length: count }, (_, i) => ({
  name: `V${i + 1}__change_${i}.sql`,
  sql: `set lock_timeout = '5s';\n${statements.map((s, k) => s((i * 5 + k) % 200).replace(/\b([ikn])(\d+)\b/g, `$1${i}_$2`)).join("\n")}\n`,
}));
await loadParser();
parseSync("select 1");

const timeMin = async (fn: () => unknown): Promise<number> => {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
};
// Best of three each, after a warm-up of both: the first run pays for the JIT.
await lintMigrations(files.slice(0, 50), history);
const parseMs = await timeMin(() => files.forEach((f) => parseSync(f.sql)));
const lintMs = await timeMin(() => lintMigrations(files, history));
const findings = await lintMigrations(files, history);

console.log(`files: ${count}, statements: ${count * 6}, findings: ${findings.length}`);
console.log(`parse only (baseline): ${parseMs.toFixed(0)} ms`);
console.log(
  `static check:          ${lintMs.toFixed(0)} ms (goal < 1000 ms); check / parse: ${(lintMs / parseMs).toFixed(2)}x`,
);
