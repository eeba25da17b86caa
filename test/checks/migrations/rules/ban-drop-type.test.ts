import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-type", () => {
  firesOnBreakingFormOnly(
    "ban-drop-type",
    "error",
    "drop type state;",
    "create type mood as enum ('calm', 'busy');",
  );
});
