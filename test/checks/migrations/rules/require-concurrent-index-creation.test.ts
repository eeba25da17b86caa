import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("require-concurrent-index-creation", () => {
  firesOnBreakingFormOnly(
    "require-concurrent-index-creation",
    "warning",
    "create index files_owner on files (owner);",
    "create index concurrently files_owner on files (owner);",
  );
});
