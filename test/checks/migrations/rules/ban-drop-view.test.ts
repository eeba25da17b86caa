import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-view", () => {
  firesOnBreakingFormOnly(
    "ban-drop-view",
    "error",
    "drop view file_stats;",
    "create view file_stats2 as select 1;",
  );
});
