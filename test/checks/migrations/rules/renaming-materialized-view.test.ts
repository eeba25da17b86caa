import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-materialized-view", () => {
  firesOnBreakingFormOnly(
    "renaming-materialized-view",
    "error",
    "alter materialized view file_totals rename to owner_totals;",
    "create view owner_totals as select * from file_totals;",
  );
});
