import { describe, expect, it } from "vitest";
import type { CanarySummary } from "../../src/canary/record.ts";
import { textOf } from "../../src/ui/html.ts";
import { canaryBadge } from "../../src/ui/views/canary.ts";

const words = async (summary: CanarySummary): Promise<string> =>
  (await textOf(canaryBadge(summary)))
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ")
    .trim();

describe("a canary's line in the matrix cell", () => {
  it("says its weight, its step of N (counted from 1) and its state in words", async () => {
    const at = { weight: 10, step: 0, steps: 4 } as const;
    expect(await words({ ...at, state: "running" })).toBe("canary 10% · step 1 of 4 · ⟳ running");
    expect(await words({ ...at, step: 2, state: "paused", paused: "manual" })).toBe(
      "canary 10% · step 3 of 4 · ‖ paused: manual",
    );
    expect(await words({ ...at, step: 1, state: "paused", paused: "inconclusive" })).toBe(
      "canary 10% · step 2 of 4 · ‖ paused: inconclusive",
    );
    expect(await words({ ...at, step: 1, state: "aborted" })).toBe("canary 10% · step 2 of 4 · ✗ aborted");
    // With its pods, from summaries that keep them.
    expect(await words({ ...at, split: { canary: 1, stable: 3 }, state: "running" })).toBe(
      "canary 10% · 1 canary / 3 stable pods · step 1 of 4 · ⟳ running",
    );
    // Past its last step once promoted: shown as the last.
    expect(await words({ weight: 100, step: 4, steps: 4, state: "promoted" })).toBe(
      "canary 100% · step 4 of 4 · ✓ promoted",
    );
  });
});
