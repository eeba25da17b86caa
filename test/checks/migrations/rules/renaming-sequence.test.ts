import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-sequence", () => {
  firesOnBreakingFormOnly(
    "renaming-sequence",
    "error",
    "alter sequence files_id_seq rename to file_ids;",
    "alter sequence files_id_seq owned by files.id;",
  );
});
