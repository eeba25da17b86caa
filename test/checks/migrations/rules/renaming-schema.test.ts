import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-schema", () => {
  firesOnBreakingFormOnly(
    "renaming-schema",
    "error",
    "alter schema archive rename to attic;",
    "create schema attic;",
  );
});
