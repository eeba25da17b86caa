import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-view", () => {
  firesOnBreakingFormOnly(
    "renaming-view",
    "error",
    "alter view file_stats rename to owner_stats;",
    "create view owner_stats as select * from file_stats;",
  );
});
