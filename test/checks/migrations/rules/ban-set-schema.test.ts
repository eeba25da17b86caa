import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-set-schema", () => {
  firesOnBreakingFormOnly(
    "ban-set-schema",
    "error",
    "alter table files set schema archive;",
    "create table archive.files2 (id int);",
  );
});
