import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint, pendingRules, rules } from "../lint-helpers.ts";

describe("constraint-missing-not-valid", () => {
  firesOnBreakingFormOnly(
    "constraint-missing-not-valid",
    "warning",
    "alter table files add constraint size_pos check (size >= 0);",
    "alter table files add constraint size_pos check (size >= 0) not valid;",
  );

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
});
