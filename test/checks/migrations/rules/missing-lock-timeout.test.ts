import { describe, expect, it } from "vitest";
import { lintMigrations } from "../../../../src/checks/migrations/lint.ts";
import { history } from "../lint-helpers.ts";

describe("missing-lock-timeout", () => {
  const lockTimeout = async (sql: string) =>
    (await lintMigrations([{ name: "V2.sql", sql }], history)).filter(
      (f) => f.rule === "missing-lock-timeout",
    );

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

  it("counts only a lock_timeout set before the statement, and not one turned off again", async () => {
    const alter = "alter table files add column a text;";
    for (const set of [
      "set lock_timeout = '5s';",
      "set local lock_timeout to 5000;",
      "set session lock_timeout = '1s';",
      "select set_config('lock_timeout', '5s', true);",
    ])
      expect(await lockTimeout(`${set}\n${alter}`), set).toEqual([]);
    for (const sql of [
      `${alter}\nset lock_timeout = '5s';`,
      `-- set lock_timeout = '5s';\n${alter}`,
      `set lock_timeout = 0;\n${alter}`,
      `set lock_timeout = '0ms';\n${alter}`,
      `set lock_timeout = '5s';\nreset lock_timeout;\n${alter}`,
      `set lock_timeout = '5s';\nset lock_timeout to default;\n${alter}`,
    ])
      expect(await lockTimeout(sql), sql).toHaveLength(1);
  });

  it("warns about a missing lock_timeout on every statement that locks an existing relation", async () => {
    for (const sql of [
      "create index files_owner on files (owner);",
      "drop table files;",
      "drop index files_owner;",
      "drop trigger files_touch on files;",
      "alter table files rename to documents;",
      "alter table files rename column path to location;",
      "alter table files set schema archive;",
      "truncate files;",
      "create trigger files_touch before update on files for each row execute function touch();",
      "refresh materialized view file_totals;",
      "cluster files using files_pkey;",
      "vacuum full files;",
      "reindex table files;",
      "lock table files in exclusive mode;",
    ])
      expect(
        (await lockTimeout(sql)).map((f) => f.severity),
        sql,
      ).toEqual(["warning"]);
  });

  it("does not ask for a lock_timeout where nothing existing is locked or the lock does not queue queries", async () => {
    for (const sql of [
      "create index concurrently files_owner on files (owner);",
      "drop index concurrently files_owner;",
      "refresh materialized view concurrently file_totals;",
      "reindex table concurrently files;",
      "vacuum files;",
      "create table tags (id int primary key, name text);\ncreate index tags_name on tags (name);\nalter table tags add column note text;\ncreate table file_tags (tag_id int references tags (id));\ndrop table file_tags;",
      "create view owner_stats as select 1 as n;\nalter view owner_stats rename to stats;",
      "insert into files (owner, path) values ('ada', '/');",
    ])
      expect(await lockTimeout(sql), sql).toEqual([]);
  });

  it("names the locked table, also when a new table's foreign key is what locks it", async () => {
    const [index] = await lockTimeout("create index files_owner on files (owner);");
    expect(index?.message).toBe(
      "this locks files, which exists already, without a lock_timeout set before it: while it waits for the lock (behind any long transaction), every write to files queues behind it",
    );
    const [fk] = await lockTimeout("create table shares (id int, file_id bigint references files (id));");
    expect(fk?.message).toContain("its foreign key locks files, which exists already");
    const [alter] = await lockTimeout("-- first\n\nalter table files add column a text;");
    expect(alter).toMatchObject({ line: 3, column: 1 });
    expect(alter?.message).toContain("every query on files queues behind it");
    expect(alter?.hint).toBe(
      "start the file with SET lock_timeout = '5s'; (SET LOCAL works too) and retry on timeout",
    );
  });
});
