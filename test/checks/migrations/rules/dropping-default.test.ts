import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("dropping-default", () => {
  firesOnBreakingFormOnly(
    "dropping-default",
    "error",
    "alter table files alter column created_at drop default;",
    "alter table files alter column created_at set default now();",
  );
});
