import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, rules } from "../lint-helpers.ts";

describe("renaming-function", () => {
  firesOnBreakingFormOnly(
    "renaming-function",
    "error",
    "alter function touch() rename to touch_row;",
    "create function touch_row() returns trigger language plpgsql as $$ begin return new; end $$;",
  );

  it("counts procedures as functions", async () => {
    expect(await rules("alter procedure archive_files() rename to archive;")).toEqual([
      "error renaming-function",
    ]);
  });
});
