import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-database", () => {
  firesOnBreakingFormOnly(
    "ban-drop-database",
    "error",
    "drop database files_archive;",
    "create database files_archive;",
  );
});
