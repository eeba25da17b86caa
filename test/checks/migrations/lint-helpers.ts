// What the migration check's tests share: one applied file, and ways to lint a pending one.
import { expect, it } from "vitest";
import { lintMigrations } from "../../../src/checks/migrations/lint.ts";

export const history = [
  {
    name: "V1__init.sql",
    sql: "create table files (id bigserial primary key, owner varchar(100) not null, path text, size int, created_at timestamptz default now());\ncreate type state as enum ('queued', 'running');\n",
  },
];

/** The findings on one pending file, without missing-lock-timeout (which most statements here also get). */
export const lint = async (sql: string) =>
  (await lintMigrations([{ name: "V2__change.sql", sql }], history)).filter(
    (f) => f.rule !== "missing-lock-timeout",
  );

export const rules = async (sql: string) => (await lint(sql)).map((f) => `${f.severity} ${f.rule}`);

/** The findings on several pending files, in order, as `file severity rule`. */
export const pendingRules = async (...files: string[]) =>
  (
    await lintMigrations(
      files.map((sql, i) => ({ name: `V${i + 2}__step.sql`, sql })),
      history,
    )
  )
    .filter((f) => f.rule !== "missing-lock-timeout")
    .map((f) => `${f.file} ${f.severity} ${f.rule}`);

/** Every rule's first case: a statement that fires it, and its safe counterpart that does not. */
export function firesOnBreakingFormOnly(
  rule: string,
  severity: "error" | "warning",
  fires: string,
  safe: string,
): void {
  it(`${rule}: fires on the breaking form, not on the safe one`, async () => {
    expect(await rules(fires)).toContain(`${severity} ${rule}`);
    expect(await rules(safe)).not.toContain(`${severity} ${rule}`);
  });
}
