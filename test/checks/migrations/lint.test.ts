// The driver and what no single rule owns: locations, suppressions, parse errors, and what the
// pending files create (which every rule then lets through). Each rule's own cases are in rules/.
import { describe, expect, it } from "vitest";
import { formatFinding } from "../../../src/checks/migrations/finding.ts";
import { lintMigrations } from "../../../src/checks/migrations/lint.ts";
import { history, lint, pendingRules, rules } from "./lint-helpers.ts";

describe("migration check", () => {
  it("lists a statement's findings in registry order, and an ALTER TABLE's by subcommand", async () => {
    const order = async (sql: string) =>
      (await lintMigrations([{ name: "V2.sql", sql }], history)).map((f) => f.rule);
    expect(await order("alter table files drop column path, alter column owner type varchar(50);")).toEqual([
      "ban-drop-column",
      "changing-column-type",
      "missing-lock-timeout",
    ]);
    expect(await order("alter table files alter column owner type varchar(50), drop column path;")).toEqual([
      "changing-column-type",
      "ban-drop-column",
      "missing-lock-timeout",
    ]);
    expect(await order("drop index files_owner;\nselect 1;\ndrop index concurrently files_path;")).toEqual([
      "require-concurrent-index-deletion",
      "missing-lock-timeout",
      "non-transactional-not-alone",
    ]);
  });

  it("does not flag renames no query of the running version names: indexes, triggers, constraints", async () => {
    expect(
      await rules(
        "alter index files_owner rename to files_by_owner;\nalter trigger files_touch on files rename to touch;\nalter table files rename constraint files_pkey to files_id;",
      ),
    ).toEqual([]);
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

  it("honours a suppression that gives a reason, and refuses one that does not", async () => {
    const [suppressed] = await lint(
      "-- slipway:allow ban-drop-column reason: v1.3 stopped reading path\nalter table files drop column path;",
    );
    expect(suppressed).toMatchObject({ rule: "ban-drop-column", suppressed: "v1.3 stopped reading path" });
    const bare = await lint("-- slipway:allow ban-drop-column\nalter table files drop column path;");
    expect(bare.map((f) => f.rule)).toContain("suppression-without-reason");
  });

  it("suppresses the new drop and rename rules the same way, and a view or type rename still by its former name renaming-table", async () => {
    const [sequence] = await lint(
      "-- slipway:allow ban-drop-sequence reason: nothing calls nextval on it since v2\ndrop sequence file_numbers;",
    );
    expect(sequence).toMatchObject({
      rule: "ban-drop-sequence",
      suppressed: "nothing calls nextval on it since v2",
    });
    const [view] = await lint(
      "-- slipway:allow renaming-table reason: written before renaming-view\nalter view file_stats rename to owner_stats;",
    );
    expect(view).toMatchObject({ rule: "renaming-view", suppressed: "written before renaming-view" });
    const [other] = await lint(
      "-- slipway:allow renaming-table reason: wrong rule\nalter schema archive rename to attic;",
    );
    expect(other?.suppressed).toBeUndefined();
  });

  it("reports SQL that Postgres cannot parse, with its position", async () => {
    const [finding] = await lint("alter table files add colum x int;");
    // Postgres reads "colum" as the column's name and "x" as its type, and stops at "int".
    expect(finding).toMatchObject({ rule: "syntax-error", severity: "error", line: 1, column: 31 });
    expect(finding?.message).toBe('Postgres cannot parse this file: syntax error at or near "int"');
  });
});

describe("what the pending files create, nothing running uses", () => {
  it("does not flag a later pending file's change to a table or column an earlier pending file created", async () => {
    expect(
      await pendingRules(
        "create table tags (id int, name text, note text);\ncreate view tag_names as select name from tags;\ncreate type mood as enum ('calm');\ncreate function tag_count() returns bigint language sql as 'select count(*) from tags';\nalter table files add column label text;",
        "alter table tags rename to labels;\nalter table labels rename column name to title;\nalter table labels alter column note type int using 0;\nalter table labels alter column note set not null;\nalter table labels drop column note;\nalter view tag_names rename to label_names;\nalter type mood rename value 'calm' to 'quiet';\nalter function tag_count() rename to label_count;",
        "drop view label_names;\ndrop table labels;\ndrop type mood;\ndrop function label_count();\nalter table files rename column label to tag;\nalter table files alter column tag drop not null;\nalter table files drop column tag;",
      ),
    ).toEqual([]);
  });

  it("still flags what the applied files created, in the same statement as something new", async () => {
    expect(
      await pendingRules(
        "create table tags (id int);",
        "drop table tags, files;\nalter table files rename to documents;",
      ),
    ).toEqual(["V3__step.sql error ban-drop-table", "V3__step.sql error renaming-table"]);
    const [drop] = await lintMigrations(
      [
        { name: "V2.sql", sql: "create table tags (id int);" },
        { name: "V3.sql", sql: "drop table tags, files;" },
      ],
      history,
    );
    expect(drop?.message).toContain("dropping table files breaks");
    expect(drop?.message).not.toContain("tags");
  });

  it("counts OR REPLACE and IF NOT EXISTS as no creation: the object may be one the running version uses", async () => {
    expect(
      await pendingRules(
        "create or replace view file_stats as select 1 as n;\ncreate table if not exists files (id int);",
        "drop view file_stats;\nalter table files rename column path to location;",
      ),
    ).toEqual(["V3__step.sql error ban-drop-view", "V3__step.sql error renaming-column"]);
  });
});
