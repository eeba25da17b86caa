import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint, rules } from "../lint-helpers.ts";

describe("ban-drop-function", () => {
  firesOnBreakingFormOnly(
    "ban-drop-function",
    "error",
    "drop function f();",
    "create function g() returns int language sql as 'select 1';",
  );

  it("names a dropped function with its arguments", async () => {
    const [fn] = await lint("drop function public.touch(int), score();");
    expect(fn?.message).toContain("dropping function public.touch(int4), score()");
  });

  it("counts procedures, routines and aggregates as functions", async () => {
    for (const sql of ["drop procedure archive_files;", "drop routine score;", "drop aggregate total(int);"])
      expect(await rules(sql)).toEqual(["error ban-drop-function"]);
  });
});
