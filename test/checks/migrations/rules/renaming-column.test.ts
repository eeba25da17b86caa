import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("renaming-column", () => {
  firesOnBreakingFormOnly(
    "renaming-column",
    "error",
    "alter table files rename column path to location;",
    "alter table files add column location text;",
  );
});
