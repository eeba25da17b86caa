import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint } from "../lint-helpers.ts";

describe("removing-enum-value", () => {
  firesOnBreakingFormOnly(
    "removing-enum-value",
    "error",
    "alter type state rename value 'queued' to 'waiting';",
    "alter type state add value 'waiting';",
  );

  it("names the enum and both values when an enum value is renamed, and says the old one cannot come back by a drop", async () => {
    const [f] = await lint("alter type state rename value 'queued' to 'waiting';");
    expect(f?.message).toBe(
      "renaming value 'queued' of enum state to 'waiting' removes 'queued': the running version's writes of it fail, and it reads 'waiting', which it does not know",
    );
    expect(f?.hint).toContain("Postgres cannot drop an enum value");
  });
});
