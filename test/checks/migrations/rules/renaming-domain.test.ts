import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-domain", () => {
  firesOnBreakingFormOnly(
    "renaming-domain",
    "error",
    "alter domain byte_count rename to size_bytes;",
    "alter domain byte_count set default 0;",
  );
});
