import { describe } from "vitest";
import { firesOnBreakingFormOnly } from "../lint-helpers.ts";

describe("ban-drop-extension", () => {
  firesOnBreakingFormOnly(
    "ban-drop-extension",
    "error",
    "drop extension pgcrypto;",
    "create extension if not exists pgcrypto;",
  );
});
