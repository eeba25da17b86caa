import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-table", () => {
  firesOnBreakingFormOnly("ban-drop-table", "error", "drop table files;", "create table tags (id int);");
});
