import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-column", () => {
  firesOnBreakingFormOnly(
    "ban-drop-column",
    "error",
    "alter table files drop column path;",
    "alter table files add column note text;",
  );
});
