import { describe, expect, it } from "vitest";
import { lint, rules } from "../lint-helpers.ts";

describe("non-transactional-not-alone", () => {
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
});
