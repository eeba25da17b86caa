import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint } from "../lint-helpers.ts";

describe("ban-drop-not-null", () => {
  firesOnBreakingFormOnly(
    "ban-drop-not-null",
    "error",
    "alter table files alter column owner drop not null;",
    "alter table files alter column owner set default 'nobody';",
  );

  it("ban-drop-not-null: names the column and the expand/contract way", async () => {
    const [f] = await lint("alter table files alter column owner drop not null;");
    expect(f).toMatchObject({ rule: "ban-drop-not-null", severity: "error", subject: "files.owner" });
    expect(f?.message).toBe(
      "dropping NOT NULL of files.owner: the new version may write NULL there, and the running version reads owner as never empty",
    );
  });
});
