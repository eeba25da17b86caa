import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-materialized-view", () => {
  firesOnBreakingFormOnly(
    "ban-drop-materialized-view",
    "error",
    "drop materialized view file_totals;",
    "create materialized view owner_totals as select owner, count(*) from files group by owner;",
  );
});
