import { describe, expect, it } from "vitest";
import {
  analyse,
  combine,
  judgeCall,
  judgePods,
  normalQuantile,
  type CallEvidence,
  type TrackPods,
  type VersionCalls,
} from "../../src/canary/analysis.ts";
import { defaultThresholds, mergeThresholds } from "../../src/definitions/rollout-strategy.ts";

const window = { from: new Date("2026-12-06T06:00:00Z"), to: new Date("2026-12-06T06:05:00Z") };

const calls = (
  version: string,
  requests: number,
  errors: { server?: number; client?: number } = {},
  latency: [number, number, number] = [10, 20, 30],
): VersionCalls => ({
  version,
  requests,
  serverErrors: errors.server ?? 0,
  clientErrors: errors.client ?? 0,
  latencyMs: {
    p50: requests ? latency[0] : null,
    p95: requests ? latency[1] : null,
    p99: requests ? latency[2] : null,
  },
});

const evidence = (stable: VersionCalls, canary: VersionCalls, call = "files.browse"): CallEvidence => ({
  call,
  window,
  stable,
  canary,
});

const verdictOf = (e: CallEvidence, t = defaultThresholds) => {
  const v = judgeCall(e, t);
  return { verdict: v.verdict, checks: Object.fromEntries(v.checks.map((c) => [c.metric, c.verdict])) };
};

describe("judging a call: the canary against the stable version over the same window", () => {
  it("passes a canary that answers as the stable version does, with the numbers", () => {
    const v = judgeCall(
      evidence(calls("1.0.0", 900, { server: 9 }), calls("1.1.0", 120, { server: 1 })),
      defaultThresholds,
    );
    expect(v.verdict).toBe("pass");
    expect(v.checks.map((c) => [c.metric, c.verdict])).toEqual([
      ["requests", "pass"],
      ["5xx rate", "pass"],
      ["4xx rate", "pass"],
      ["p50", "pass"],
      ["p95", "pass"],
    ]);
    const rate = v.checks.find((c) => c.metric === "5xx rate");
    expect(rate).toMatchObject({ stable: 0.01, canary: 1 / 120, limit: 0.02 });
    expect(rate?.reason).toBe(
      "the canary 0.8% (1/120), the stable version 1.0% (9/900): within 1 point of the stable's",
    );
  });

  it("fails a canary that fails a quarter of its calls", () => {
    const v = judgeCall(
      evidence(calls("1.0.0", 900), calls("1.1.0", 120, { server: 30 })),
      defaultThresholds,
    );
    expect(v.verdict).toBe("fail");
    expect(v.checks.find((c) => c.metric === "5xx rate")?.reason).toBe(
      "the canary 25.0% (30/120), the stable version 0.0% (0/900): more than 1 point above the stable's",
    );
  });

  it("is inconclusive, never pass, with too few calls on either side, however good they look", () => {
    const few = judgeCall(evidence(calls("1.0.0", 900), calls("1.1.0", 12)), defaultThresholds);
    expect(few.verdict).toBe("inconclusive");
    expect(few.checks).toEqual([
      {
        metric: "requests",
        verdict: "inconclusive",
        stable: 900,
        canary: 12,
        limit: 100,
        reason: "too few calls to judge: the canary served 12, the stable version 900; each needs 100",
      },
    ]);
    expect(verdictOf(evidence(calls("1.0.0", 40), calls("1.1.0", 400))).verdict).toBe("inconclusive");
  });

  it("is inconclusive when the canary's error rate is higher, but not surely", () => {
    // 3 of 150 (2%) against 0 of 900: beyond the allowed point, not beyond chance.
    const v = verdictOf(evidence(calls("1.0.0", 900), calls("1.1.0", 150, { server: 3 })));
    expect(v).toEqual({
      verdict: "inconclusive",
      checks: { requests: "pass", "5xx rate": "inconclusive", "4xx rate": "pass", p50: "pass", p95: "pass" },
    });
  });

  it("holds 4xx against the canary only where the stable version has fewer", () => {
    const same = verdictOf(
      evidence(calls("1.0.0", 500, { client: 100 }), calls("1.1.0", 200, { client: 40 })),
    );
    expect(same.checks["4xx rate"]).toBe("pass");
    const more = verdictOf(evidence(calls("1.0.0", 500, { client: 5 }), calls("1.1.0", 200, { client: 60 })));
    expect(more).toMatchObject({ verdict: "fail", checks: { "4xx rate": "fail", "5xx rate": "pass" } });
  });

  it("fails a slower canary beyond the share and the tolerance, not a few milliseconds", () => {
    const slow = judgeCall(
      evidence(calls("1.0.0", 500, {}, [40, 80, 90]), calls("1.1.0", 200, {}, [120, 300, 400])),
      defaultThresholds,
    );
    expect(slow.verdict).toBe("fail");
    expect(slow.checks.find((c) => c.metric === "p50")).toMatchObject({
      verdict: "fail",
      stable: 40,
      canary: 120,
      limit: 65,
      reason:
        "the canary 120 ms, the stable version 40 ms: slower than the 65 ms allowed (+25%, at least 25 ms)",
    });
    // 2 ms against 6 ms is +200%, but within the 25 ms tolerance.
    expect(
      verdictOf(evidence(calls("1.0.0", 500, {}, [2, 3, 4]), calls("1.1.0", 200, {}, [6, 9, 12]))).verdict,
    ).toBe("pass");
  });

  it("judges p99 only when asked, and only with enough calls beyond it", () => {
    const t = mergeThresholds({ maxLatencyIncrease: { p99: 0.5 } });
    const thin = judgeCall(evidence(calls("1.0.0", 900), calls("1.1.0", 200)), t);
    expect(thin.checks.find((c) => c.metric === "p99")).toMatchObject({
      verdict: "inconclusive",
      reason: "too few calls for a p99: it needs 500 per version",
    });
    expect(judgeCall(evidence(calls("1.0.0", 900), calls("1.1.0", 600)), t).verdict).toBe("pass");
  });
});

const pods = (over: Partial<TrackPods> = {}): TrackPods => ({
  pods: 2,
  ready: 2,
  restarts: 0,
  oomKills: 0,
  readinessFlaps: 0,
  notes: [],
  ...over,
});

describe("judging the pods", () => {
  it("fails a canary whose pods restart or are OOM killed while the stable's do not", () => {
    expect(judgePods(pods(), pods({ restarts: 2 }), defaultThresholds).verdict).toBe("fail");
    const oom = judgePods(
      pods({ pods: 4, ready: 4 }),
      pods({ pods: 1, ready: 1, oomKills: 1 }),
      defaultThresholds,
    );
    expect(oom.checks.find((c) => c.metric === "OOM kills")).toMatchObject({
      verdict: "fail",
      stable: 0,
      canary: 1,
      reason: "the canary's pods 1, the stable's 0: more than 0",
    });
  });

  it("blames the node, not the version, when the stable pods did as badly (inconclusive)", () => {
    expect(
      judgePods(pods({ pods: 4, ready: 4, restarts: 4 }), pods({ restarts: 2 }), defaultThresholds).verdict,
    ).toBe("inconclusive");
  });

  it("is inconclusive while a canary pod is not ready, and passes quiet pods", () => {
    expect(judgePods(pods(), pods({ ready: 1 }), defaultThresholds).checks.at(-1)?.reason).toBe(
      "1 of 2 canary pods ready at the end of the window: the canary did not serve as planned",
    );
    expect(judgePods(pods(), pods(), defaultThresholds).verdict).toBe("pass");
  });
});

describe("an analysis of a window", () => {
  const input = { window, stableVersion: "1.0.0", canaryVersion: "1.1.0" };

  it("fails when any call fails, saying which and why", () => {
    const result = analyse(
      {
        ...input,
        calls: [
          evidence(calls("1.0.0", 900), calls("1.1.0", 120)),
          evidence(calls("1.0.0", 900), calls("1.1.0", 120, { server: 30 }), "files.upload"),
        ],
        pods: { stable: pods(), canary: pods() },
      },
      defaultThresholds,
    );
    expect(result.verdict).toBe("fail");
    expect(result.summary).toBe(
      "files.upload 5xx rate: the canary 25.0% (30/120), the stable version 0.0% (0/900): more than 1 point above the stable's",
    );
  });

  it("leaves idle calls unjudged, and passes on the others", () => {
    const result = analyse(
      {
        ...input,
        calls: [
          evidence(calls("1.0.0", 900), calls("1.1.0", 120)),
          evidence(calls("1.0.0", 0), calls("1.1.0", 0), "files.rare"),
        ],
      },
      defaultThresholds,
    );
    expect(result.verdict).toBe("pass");
    expect(result.calls.map((c) => [c.call, c.verdict, c.idle])).toEqual([
      ["files.browse", "pass", false],
      ["files.rare", "inconclusive", true],
    ]);
    expect(result.summary).toBe("the canary 1.1.0 did as well as 1.0.0 on 1 call");
  });

  it("never passes without calls: quiet pods alone are no evidence", () => {
    const none = analyse(
      { ...input, calls: [], pods: { stable: pods(), canary: pods() } },
      defaultThresholds,
    );
    expect(none.verdict).toBe("inconclusive");
    expect(none.summary).toBe(
      "no evidence: neither version served an audited call in the window (the service has no audited calls)",
    );
    const crashing = analyse(
      { ...input, calls: [], pods: { stable: pods(), canary: pods({ restarts: 3 }) } },
      defaultThresholds,
    );
    expect(crashing.verdict).toBe("fail");
  });

  it("combines verdicts worst first", () => {
    expect(combine(["pass", "inconclusive", "fail"])).toBe("fail");
    expect(combine(["pass", "inconclusive"])).toBe("inconclusive");
    expect(combine([])).toBe("inconclusive");
    expect(combine(["pass"])).toBe("pass");
  });

  it("tests at the normal quantile of the confidence", () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });
});
