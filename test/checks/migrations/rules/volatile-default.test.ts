import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint, rules } from "../lint-helpers.ts";

describe("volatile-default", () => {
  firesOnBreakingFormOnly(
    "volatile-default",
    "warning",
    "alter table files add column token uuid default gen_random_uuid();",
    "alter table files add column seen timestamptz default now();",
  );

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
});
