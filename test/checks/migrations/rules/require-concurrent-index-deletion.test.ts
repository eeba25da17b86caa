import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("require-concurrent-index-deletion", () => {
  firesOnBreakingFormOnly(
    "require-concurrent-index-deletion",
    "warning",
    "drop index files_owner;",
    "drop index concurrently files_owner;",
  );
});
