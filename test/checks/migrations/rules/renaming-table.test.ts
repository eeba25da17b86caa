import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-table", () => {
  firesOnBreakingFormOnly(
    "renaming-table",
    "error",
    "alter table files rename to documents;",
    "create table documents (id int);",
  );
});
