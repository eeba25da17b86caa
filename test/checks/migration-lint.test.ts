import { describe, expect, it } from "vitest";
import { lintMigrations } from "../../src/checks/migrations/lint.ts";
import { formatFinding } from "../../src/checks/migrations/finding.ts";

const history = [
  {
    name: "V1__init.sql",
    sql: "create table files (id bigserial primary key, owner varchar(100) not null, path text, size int, created_at timestamptz default now());\ncreate type state as enum ('queued', 'running');\n",
  },
];

const lint = async (sql: string) =>
  (await lintMigrations([{ name: "V2__change.sql", sql }], history)).filter(
    (f) => f.rule !== "missing-lock-timeout",
  );
const rules = async (sql: string) => (await lint(sql)).map((f) => `${f.severity} ${f.rule}`);

/** Each rule: a statement that fires it, and its safe counterpart that does not. */
const cases: [rule: string, severity: "error" | "warning", fires: string, safe: string][] = [
  ["ban-drop-table", "error", "drop table files;", "create table tags (id int);"],
  [
    "ban-drop-column",
    "error",
    "alter table files drop column path;",
    "alter table files add column note text;",
  ],
  ["ban-drop-view", "error", "drop view file_stats;", "create view file_stats2 as select 1;"],
  [
    "ban-drop-function",
    "error",
    "drop function f();",
    "create function g() returns int language sql as 'select 1';",
  ],
  ["ban-drop-type", "error", "drop type state;", "create type mood as enum ('calm', 'busy');"],
  ["renaming-table", "error", "alter table files rename to documents;", "create table documents (id int);"],
  [
    "renaming-column",
    "error",
    "alter table files rename column path to location;",
    "alter table files add column location text;",
  ],
  [
    "changing-column-type",
    "error",
    "alter table files alter column path type int using 0;",
    "alter table files alter column owner type varchar(200);",
  ],
  [
    "setting-not-null",
    "error",
    "alter table files alter column path set not null;",
    "alter table files add constraint path_nn check (path is not null) not valid;",
  ],
  [
    "adding-not-nullable-field",
    "error",
    "alter table files add column kind text not null;",
    "alter table files add column kind text not null default 'file';",
  ],
  [
    "dropping-default",
    "error",
    "alter table files alter column created_at drop default;",
    "alter table files alter column created_at set default now();",
  ],
  [
    "removing-enum-value",
    "error",
    "alter type state rename value 'queued' to 'waiting';",
    "alter type state add value 'waiting';",
  ],
  [
    "require-concurrent-index-creation",
    "warning",
    "create index files_owner on files (owner);",
    "create index concurrently files_owner on files (owner);",
  ],
  [
    "require-concurrent-index-deletion",
    "warning",
    "drop index files_owner;",
    "drop index concurrently files_owner;",
  ],
  [
    "constraint-missing-not-valid",
    "warning",
    "alter table files add constraint size_pos check (size >= 0);",
    "alter table files add constraint size_pos check (size >= 0) not valid;",
  ],
  [
    "volatile-default",
    "warning",
    "alter table files add column token uuid default gen_random_uuid();",
    "alter table files add column seen timestamptz default now();",
  ],
];

describe("migration check, rule by rule", () => {
  for (const [rule, severity, fires, safe] of cases) {
    it(`${rule}: fires on the breaking form, not on the safe one`, async () => {
      expect(await rules(fires)).toContain(`${severity} ${rule}`);
      expect(await rules(safe)).not.toContain(`${severity} ${rule}`);
    });
  }

  it("tells a widening the old version survives from a breaking type change", async () => {
    const [widen] = await lint("alter table files alter column owner type varchar(200);");
    expect(widen).toMatchObject({
      rule: "changing-column-type",
      severity: "warning",
      message: expect.stringContaining("varchar(100) to varchar(200) only lengthens the limit"),
    });
    const [int] = await lint("alter table files alter column size type bigint;");
    expect(int?.severity).toBe("warning");
    const [narrow] = await lint("alter table files alter column owner type varchar(50);");
    expect(narrow?.severity).toBe("error");
  });

  it("does not flag changes to a table the same migration creates", async () => {
    expect(
      await rules(
        "create table tags (id int, name text);\ncreate index tags_name on tags (name);\nalter table tags add column note text not null;",
      ),
    ).toEqual([]);
  });

  it("locates each finding by file, line and column, and says how to do it safely", async () => {
    const [finding] = await lint("-- move path\n\nalter table files drop column path;\n");
    expect(finding).toMatchObject({ file: "V2__change.sql", line: 3, column: 13 });
    expect(formatFinding(finding!)).toBe(
      "V2__change.sql:3:13: error ban-drop-column: dropping files.path breaks the running version wherever it reads or writes path\n" +
        "  fix: contract in a later release: deploy a version that no longer uses path first (the dynamic proof then shows no live query touches it), then drop it",
    );
  });

  it("warns about a missing lock_timeout once per file, not when it is set", async () => {
    const all = await lintMigrations(
      [{ name: "V2.sql", sql: "alter table files add column a text;\nalter table files add column b text;" }],
      history,
    );
    expect(all.filter((f) => f.rule === "missing-lock-timeout")).toHaveLength(1);
    const set = await lintMigrations(
      [{ name: "V2.sql", sql: "set lock_timeout = '5s';\nalter table files add column a text;" }],
      history,
    );
    expect(set.filter((f) => f.rule === "missing-lock-timeout")).toEqual([]);
  });

  it("honours a suppression that gives a reason, and refuses one that does not", async () => {
    const [suppressed] = await lint(
      "-- slipway:allow ban-drop-column reason: v1.3 stopped reading path\nalter table files drop column path;",
    );
    expect(suppressed).toMatchObject({ rule: "ban-drop-column", suppressed: "v1.3 stopped reading path" });
    const bare = await lint("-- slipway:allow ban-drop-column\nalter table files drop column path;");
    expect(bare.map((f) => f.rule)).toContain("suppression-without-reason");
  });

  it("reports SQL that Postgres cannot parse, with its position", async () => {
    const [finding] = await lint("alter table files add colum x int;");
    // Postgres reads "colum" as the column's name and "x" as its type, and stops at "int".
    expect(finding).toMatchObject({ rule: "syntax-error", severity: "error", line: 1, column: 31 });
    expect(finding?.message).toBe('Postgres cannot parse this file: syntax error at or near "int"');
  });
});
