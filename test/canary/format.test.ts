import { describe, expect, it } from "vitest";
import { analyse, type VersionCalls } from "../../src/canary/analysis.ts";
import { formatAnalysis } from "../../src/canary/format.ts";
import { defaultThresholds } from "../../src/definitions/rollout-strategy.ts";

const window = { from: new Date("2026-12-06T06:00:00Z"), to: new Date("2026-12-06T06:05:00Z") };
const calls = (version: string, requests: number, serverErrors = 0, latency = 10): VersionCalls => ({
  version,
  requests,
  serverErrors,
  clientErrors: 0,
  latencyMs: { p50: latency, p95: latency, p99: latency },
});

describe("an analysis in the terminal", () => {
  it("shows the verdict, each check with its numbers, and the pods' notes", () => {
    const result = analyse(
      {
        window,
        stableVersion: "1.0.0",
        canaryVersion: "1.1.0",
        calls: [
          { call: "files.upload", window, stable: calls("1.0.0", 300), canary: calls("1.1.0", 120, 30, 12) },
          { call: "files.rare", window, stable: calls("1.0.0", 0), canary: calls("1.1.0", 0) },
        ],
        pods: {
          stable: { pods: 2, ready: 2, restarts: 0, oomKills: 0, readinessFlaps: 0, notes: [] },
          canary: {
            pods: 1,
            ready: 1,
            restarts: 1,
            oomKills: 1,
            readinessFlaps: 0,
            notes: ["files-canary-x: container files OOMKilled"],
          },
        },
      },
      defaultThresholds,
    );
    expect(formatAnalysis(result)).toEqual([
      "✗ canary 1.1.0 against 1.0.0, 06:00:00Z–06:05:00Z: fail",
      "  ✗ files.upload",
      "    ✓ requests: each version served at least 100 calls",
      "    ✗ 5xx rate: the canary 25.0% (30/120), the stable version 0.0% (0/300): more than 1 point above the stable's",
      "    ✓ 4xx rate: the canary 0.0% (0/120), the stable version 0.0% (0/300): within 5 points of the stable's",
      "    ✓ p50: the canary 12 ms, the stable version 10 ms: within 35 ms",
      "    ✓ p95: the canary 12 ms, the stable version 10 ms: within 35 ms",
      "      latency (stable → canary): p50 10 ms → 12 ms, p95 10 ms → 12 ms, p99 10 ms → 12 ms",
      "  files.rare: no calls in the window (not judged)",
      "  ✗ pods",
      "    ✗ restarts: the canary's pods 1, the stable's 0: more than 0",
      "    ✗ OOM kills: the canary's pods 1, the stable's 0: more than 0",
      "    ✓ readiness flaps: the canary's pods 0, the stable's 0 (at most 0)",
      "    ✓ ready pods: the canary pod ready at the end of the window",
      "      canary files-canary-x: container files OOMKilled",
    ]);
  });
});
