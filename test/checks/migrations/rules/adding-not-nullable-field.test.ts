import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, rules } from "../lint-helpers.ts";

describe("adding-not-nullable-field", () => {
  firesOnBreakingFormOnly(
    "adding-not-nullable-field",
    "error",
    "alter table files add column kind text not null;",
    "alter table files add column kind text not null default 'file';",
  );

  it("does not call a NOT NULL identity column one without a default", async () => {
    expect(
      await rules("alter table files add column n bigint not null generated always as identity;"),
    ).toEqual(["warning volatile-default"]);
  });
});
