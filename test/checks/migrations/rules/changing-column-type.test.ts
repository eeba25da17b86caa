import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint } from "../lint-helpers.ts";

describe("changing-column-type", () => {
  firesOnBreakingFormOnly(
    "changing-column-type",
    "error",
    "alter table files alter column path type int using 0;",
    "alter table files alter column owner type varchar(200);",
  );

  it("tells a widening the old version survives from a breaking type change", async () => {
    const [widen] = await lint("alter table files alter column owner type varchar(200);");
    expect(widen).toMatchObject({
      rule: "changing-column-type",
      severity: "warning",
      message: expect.stringContaining("varchar(100) to varchar(200) only lengthens the limit"),
    });
    const [int] = await lint("alter table files alter column size type bigint;");
    expect(int?.severity).toBe("warning");
    const [narrow] = await lint("alter table files alter column owner type varchar(50);");
    expect(narrow?.severity).toBe("error");
  });
});
