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
  ["ban-drop-schema", "error", "drop schema archive cascade;", "create schema archive;"],
  [
    "ban-drop-materialized-view",
    "error",
    "drop materialized view file_totals;",
    "create materialized view owner_totals as select owner, count(*) from files group by owner;",
  ],
  ["ban-drop-sequence", "error", "drop sequence file_numbers;", "create sequence file_numbers;"],
  [
    "ban-drop-domain",
    "error",
    "drop domain byte_count;",
    "create domain byte_count as bigint check (value >= 0);",
  ],
  [
    "ban-drop-trigger",
    "error",
    "drop trigger files_touch on files;",
    "create trigger files_touch before update on files for each row execute function touch();",
  ],
  ["ban-drop-extension", "error", "drop extension pgcrypto;", "create extension if not exists pgcrypto;"],
  ["ban-drop-database", "error", "drop database files_archive;", "create database files_archive;"],
  ["renaming-table", "error", "alter table files rename to documents;", "create table documents (id int);"],
  [
    "renaming-view",
    "error",
    "alter view file_stats rename to owner_stats;",
    "create view owner_stats as select * from file_stats;",
  ],
  [
    "renaming-materialized-view",
    "error",
    "alter materialized view file_totals rename to owner_totals;",
    "create view owner_totals as select * from file_totals;",
  ],
  [
    "renaming-sequence",
    "error",
    "alter sequence files_id_seq rename to file_ids;",
    "alter sequence files_id_seq owned by files.id;",
  ],
  ["renaming-type", "error", "alter type state rename to job_state;", "alter type state add value 'done';"],
  [
    "renaming-domain",
    "error",
    "alter domain byte_count rename to size_bytes;",
    "alter domain byte_count set default 0;",
  ],
  ["renaming-schema", "error", "alter schema archive rename to attic;", "create schema attic;"],
  [
    "renaming-function",
    "error",
    "alter function touch() rename to touch_row;",
    "create function touch_row() returns trigger language plpgsql as $$ begin return new; end $$;",
  ],
  [
    "ban-set-schema",
    "error",
    "alter table files set schema archive;",
    "create table archive.files2 (id int);",
  ],
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
    "ban-drop-not-null",
    "error",
    "alter table files alter column owner drop not null;",
    "alter table files alter column owner set default 'nobody';",
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
  [
    "disallowed-unique-constraint",
    "warning",
    "alter table files add constraint files_path_key unique (path);",
    "alter table files add constraint files_path_key unique using index files_path_key;",
  ],
];

describe("migration check, rule by rule", () => {
  for (const [rule, severity, fires, safe] of cases) {
    it(`${rule}: fires on the breaking form, not on the safe one`, async () => {
      expect(await rules(fires)).toContain(`${severity} ${rule}`);
      expect(await rules(safe)).not.toContain(`${severity} ${rule}`);
    });
  }

  it("names what a drop removes, and warns that CASCADE takes its dependents with it", async () => {
    const [schema] = await lint("drop schema archive cascade;");
    expect(schema?.message).toBe(
      "dropping schema archive breaks the running version wherever it uses anything in it; CASCADE also drops everything that depends on it",
    );
    expect(schema?.hint).toBe(
      "contract in a later release: first deploy a version that no longer uses schema archive, then drop it",
    );
    const [fn] = await lint("drop function public.touch(int), score();");
    expect(fn?.message).toContain("dropping function public.touch(int4), score()");
    const [trigger] = await lint("drop trigger files_touch on files;");
    expect(trigger?.message).toContain("dropping trigger files_touch on files changes what");
  });

  it("counts procedures, routines and aggregates as functions", async () => {
    for (const sql of ["drop procedure archive_files;", "drop routine score;", "drop aggregate total(int);"])
      expect(await rules(sql)).toEqual(["error ban-drop-function"]);
    expect(await rules("alter procedure archive_files() rename to archive;")).toEqual([
      "error renaming-function",
    ]);
  });

  it("does not flag renames no query of the running version names: indexes, triggers, constraints", async () => {
    expect(
      await rules(
        "alter index files_owner rename to files_by_owner;\nalter trigger files_touch on files rename to touch;\nalter table files rename constraint files_pkey to files_id;",
      ),
    ).toEqual([]);
  });

  it("names the enum and both values when an enum value is renamed, and says the old one cannot come back by a drop", async () => {
    const [f] = await lint("alter type state rename value 'queued' to 'waiting';");
    expect(f?.message).toBe(
      "renaming value 'queued' of enum state to 'waiting' removes 'queued': the running version's writes of it fail, and it reads 'waiting', which it does not know",
    );
    expect(f?.hint).toContain("Postgres cannot drop an enum value");
  });

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

  const lockTimeout = async (sql: string) =>
    (await lintMigrations([{ name: "V2.sql", sql }], history)).filter(
      (f) => f.rule === "missing-lock-timeout",
    );

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

  it("volatile-default: follows the default into casts and calls, and counts serial, identity and stored generated columns", async () => {
    for (const sql of [
      "alter table files add column token text default gen_random_uuid()::text;",
      "alter table files add column salt text default md5(random()::text);",
      "alter table files add column seen timestamptz default pg_catalog.clock_timestamp();",
      "alter table files add column n bigserial;",
      "alter table files add column n bigint generated always as identity;",
      "alter table files add column double_size int generated always as (size * 2) stored;",
      "create function next_no() returns int language sql as 'select 1';\nalter table files add column n int default next_no();",
    ])
      expect(await rules(sql), sql).toEqual(["warning volatile-default"]);
    for (const sql of [
      "alter table files add column seen timestamptz default now();",
      "alter table files add column seen timestamptz default current_timestamp;",
      "alter table files add column n int default 0;",
      "alter table files add column meta jsonb default '{}'::jsonb;",
      "create function one() returns int immutable language sql as 'select 1';\nalter table files add column n int default one();",
      "create table tags (id int);\nalter table tags add column n bigserial;\nalter table tags add column token uuid default gen_random_uuid();",
    ])
      expect(await rules(sql), sql).toEqual([]);
    const [serial] = await lint("alter table files add column n bigserial;");
    expect(serial?.message).toBe(
      "a bigserial column takes its default from nextval(), which is volatile: adding files.n rewrites the whole table under an exclusive lock",
    );
  });

  it("volatile-default: a function it does not know is volatile, as Postgres makes it; known IMMUTABLE or STABLE ones are not", async () => {
    const [unknown] = await lint("alter table files add column code text default make_code();");
    expect(unknown).toMatchObject({ rule: "volatile-default", severity: "warning" });
    expect(unknown?.message).toContain(
      "the default calls make_code(), which is volatile (it is no IMMUTABLE or STABLE built-in",
    );
    expect(await rules("alter table files add column code text default ext.shortid(8);")).toEqual([
      "warning volatile-default",
    ]);
    for (const sql of [
      "alter table files add column code text default lower(md5('x'));",
      "alter table files add column day text default to_char(now(), 'YYYY-MM-DD');",
      "create function make_code() returns text stable language sql as $$ select 'a' $$;\nalter table files add column code text default make_code();",
    ])
      expect(await rules(sql), sql).toEqual([]);
  });

  it("does not call a NOT NULL identity column one without a default", async () => {
    expect(
      await rules("alter table files add column n bigint not null generated always as identity;"),
    ).toEqual(["warning volatile-default"]);
  });

  it("disallowed-unique-constraint: also a column added with UNIQUE, never a table the migrations create, with the index to build first", async () => {
    expect(await rules("alter table files add column slug text unique;")).toEqual([
      "warning disallowed-unique-constraint",
    ]);
    expect(
      await rules(
        "create table tags (id int, name text);\nalter table tags add constraint tags_name_key unique (name);",
      ),
    ).toEqual([]);
    const [named] = await lint(
      "alter table files add unique nulls not distinct (owner, path) include (size);",
    );
    expect(named?.message).toBe(
      "adding unique constraint files_owner_path_key on files (owner, path) builds its index under an ACCESS EXCLUSIVE lock: every read and write of files waits until it is built",
    );
    expect(named?.hint).toBe(
      "build the index first, in a file of its own (Slipway runs it outside a transaction): CREATE UNIQUE INDEX CONCURRENTLY files_owner_path_key ON files (owner, path) INCLUDE (size) NULLS NOT DISTINCT; then, in a later file: ALTER TABLE files ADD CONSTRAINT files_owner_path_key UNIQUE USING INDEX files_owner_path_key",
    );
    const [column] = await lint("alter table files add column slug text unique;");
    expect(column?.hint).toMatch(/^add slug without UNIQUE, then build the index first/);
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

  it("non-transactional-not-alone: a statement Postgres runs only outside a transaction, beside any other in its file", async () => {
    for (const sql of [
      "set lock_timeout = '5s';\ncreate index concurrently files_owner on files (owner);",
      "create index concurrently files_owner on files (owner);\ncreate index concurrently files_path on files (path);",
      "drop index concurrently files_owner;\nselect 1;",
      "vacuum files;\nanalyze files;",
      "reindex table concurrently files;\nselect 1;",
    ])
      expect(await rules(sql), sql).toContain("error non-transactional-not-alone");
    for (const sql of [
      "-- alone\ncreate index concurrently files_owner on files (owner);",
      "refresh materialized view concurrently file_totals;\nselect 1;",
      "vacuum files;",
    ])
      expect(await rules(sql), sql).not.toContain("error non-transactional-not-alone");
    const [f] = (await lint("select 1;\n\n  create index concurrently files_owner on files (owner);")).filter(
      (x) => x.rule === "non-transactional-not-alone",
    );
    expect(f).toMatchObject({ line: 3, column: 3 });
  });

  it("reports SQL that Postgres cannot parse, with its position", async () => {
    const [finding] = await lint("alter table files add colum x int;");
    // Postgres reads "colum" as the column's name and "x" as its type, and stops at "int".
    expect(finding).toMatchObject({ rule: "syntax-error", severity: "error", line: 1, column: 31 });
    expect(finding?.message).toBe('Postgres cannot parse this file: syntax error at or near "int"');
  });
});

const pendingRules = async (...files: string[]) =>
  (
    await lintMigrations(
      files.map((sql, i) => ({ name: `V${i + 2}__step.sql`, sql })),
      history,
    )
  )
    .filter((f) => f.rule !== "missing-lock-timeout")
    .map((f) => `${f.file} ${f.severity} ${f.rule}`);

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

describe("constraints, NOT NULL and what validates them", () => {
  it("constraint-missing-not-valid: sees a foreign key declared inline in ADD COLUMN ... REFERENCES", async () => {
    const [fk] = await lint("alter table files add column parent_id bigint references files (id);");
    expect(fk).toMatchObject({ rule: "constraint-missing-not-valid", severity: "warning" });
    expect(fk?.hint).toContain("ADD CONSTRAINT ... FOREIGN KEY (parent_id) REFERENCES ... NOT VALID");
    expect(
      await rules(
        "create table tags (id int primary key);\ncreate table tag_files (tag_id int references tags (id));",
      ),
    ).toEqual([]);
  });

  it("constraint-missing-not-valid: flags VALIDATE CONSTRAINT in the same file as its NOT VALID add, not in a later one", async () => {
    const add = "alter table files add constraint size_pos check (size >= 0) not valid;";
    const validate = "alter table files validate constraint size_pos;";
    const same = await lint(`${add}\n${validate}`);
    expect(same).toMatchObject([
      {
        rule: "constraint-missing-not-valid",
        line: 2,
        message: expect.stringContaining(
          "VALIDATE CONSTRAINT size_pos runs in the same transaction as its NOT VALID add",
        ),
      },
    ]);
    expect(await pendingRules(add, validate)).toEqual([]);
  });

  it("ban-drop-not-null: names the column and the expand/contract way", async () => {
    const [f] = await lint("alter table files alter column owner drop not null;");
    expect(f).toMatchObject({ rule: "ban-drop-not-null", severity: "error", subject: "files.owner" });
    expect(f?.message).toBe(
      "dropping NOT NULL of files.owner: the new version may write NULL there, and the running version reads owner as never empty",
    );
  });

  it("setting-not-null: safe after a validated CHECK (col IS NOT NULL), in a later file or the applied ones", async () => {
    const add = "alter table files add constraint path_nn check (path is not null) not valid;";
    const validate = "alter table files validate constraint path_nn;";
    const set = "alter table files alter column path set not null;";
    expect(await pendingRules(add, validate, set)).toEqual([]);
    expect(await pendingRules(add, `${validate}\n${set}`)).toEqual([]);
    expect(
      (
        await lintMigrations(
          [{ name: "V4.sql", sql: set }],
          [...history, { name: "V2.sql", sql: add }, { name: "V3.sql", sql: validate }],
        )
      ).filter((f) => f.rule === "setting-not-null"),
    ).toEqual([]);
    // Not validated, another column, or another expression: the scan still runs.
    expect(await pendingRules(add, set)).toEqual(["V3__step.sql error setting-not-null"]);
    expect(
      await pendingRules(
        "alter table files add constraint owner_nn check (owner is not null) not valid;",
        "alter table files validate constraint owner_nn;",
        set,
      ),
    ).toEqual(["V4__step.sql error setting-not-null"]);
    expect(
      await pendingRules(
        "alter table files add constraint path_long check (path is not null and length(path) > 1) not valid;",
        "alter table files validate constraint path_long;",
        set,
      ),
    ).toEqual(["V4__step.sql error setting-not-null"]);
  });
});
