import { describe, expect, it } from "vitest";
import { lintMigrations } from "../../../../src/checks/migrations/lint.ts";
import { firesOnBreakingFormOnly, history, pendingRules } from "../lint-helpers.ts";

describe("setting-not-null", () => {
  firesOnBreakingFormOnly(
    "setting-not-null",
    "error",
    "alter table files alter column path set not null;",
    "alter table files add constraint path_nn check (path is not null) not valid;",
  );

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
