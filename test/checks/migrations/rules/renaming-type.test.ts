import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-type", () => {
  firesOnBreakingFormOnly(
    "renaming-type",
    "error",
    "alter type state rename to job_state;",
    "alter type state add value 'done';",
  );
});
