import { describe, expect, it } from "vitest";
import { firesOnBreakingFormOnly, lint } from "../lint-helpers.ts";

describe("ban-drop-schema", () => {
  firesOnBreakingFormOnly(
    "ban-drop-schema",
    "error",
    "drop schema archive cascade;",
    "create schema archive;",
  );

  it("names what a drop removes, and warns that CASCADE takes its dependents with it", async () => {
    const [schema] = await lint("drop schema archive cascade;");
    expect(schema?.message).toBe(
      "dropping schema archive breaks the running version wherever it uses anything in it; CASCADE also drops everything that depends on it",
    );
    expect(schema?.hint).toBe(
      "contract in a later release: first deploy a version that no longer uses schema archive, then drop it",
    );
  });
});
