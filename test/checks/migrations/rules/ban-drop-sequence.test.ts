import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-sequence", () => {
  firesOnBreakingFormOnly(
    "ban-drop-sequence",
    "error",
    "drop sequence file_numbers;",
    "create sequence file_numbers;",
  );
});
