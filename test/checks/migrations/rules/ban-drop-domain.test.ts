import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-domain", () => {
  firesOnBreakingFormOnly(
    "ban-drop-domain",
    "error",
    "drop domain byte_count;",
    "create domain byte_count as bigint check (value >= 0);",
  );
});
