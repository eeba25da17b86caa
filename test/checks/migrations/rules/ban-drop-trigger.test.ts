import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint } from "../lint-helpers.ts";

describe("ban-drop-trigger", () => {
  firesOnBreakingFormOnly(
    "ban-drop-trigger",
    "error",
    "drop trigger files_touch on files;",
    "create trigger files_touch before update on files for each row execute function touch();",
  );

  it("names the trigger and its table", async () => {
    const [trigger] = await lint("drop trigger files_touch on files;");
    expect(trigger?.message).toContain("dropping trigger files_touch on files changes what");
  });
});
