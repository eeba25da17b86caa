import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint, rules } from "../lint-helpers.ts";

describe("disallowed-unique-constraint", () => {
  firesOnBreakingFormOnly(
    "disallowed-unique-constraint",
    "warning",
    "alter table files add constraint files_path_key unique (path);",
    "alter table files add constraint files_path_key unique using index files_path_key;",
  );

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
});
