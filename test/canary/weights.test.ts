import { describe, expect, it } from "vitest";
import { actualWeight, replicaSplit } from "../../src/canary/weights.ts";

/**
 * Argo Rollouts' own table for approximateWeightedCanaryStableReplicaCounts
 * (utils/replicaset/canary_test.go, TestApproximateWeightedNewStableReplicaCounts), the rows with
 * maxWeight 100: [replicas, weight, maxSurge, canary, stable].
 */
const argoTable: readonly (readonly [number, number, number, number, number])[] = [
  [0, 0, 0, 0, 0],
  [0, 50, 0, 0, 0],
  [0, 100, 0, 0, 0],
  [0, 0, 1, 0, 0],
  [0, 50, 1, 0, 0],
  [0, 100, 1, 0, 0],
  [1, 0, 0, 0, 1],
  [1, 1, 0, 0, 1],
  [1, 49, 0, 0, 1],
  [1, 50, 0, 1, 0],
  [1, 99, 0, 1, 0],
  [1, 100, 0, 1, 0],
  [1, 0, 1, 0, 1],
  [1, 1, 1, 1, 1],
  [1, 49, 1, 1, 1],
  [1, 50, 1, 1, 1],
  [1, 99, 1, 1, 1],
  [1, 100, 1, 1, 0],
  [2, 0, 0, 0, 2],
  [2, 1, 0, 1, 1],
  [2, 50, 0, 1, 1],
  [2, 99, 0, 1, 1],
  [2, 100, 0, 2, 0],
  [2, 0, 1, 0, 2],
  [2, 1, 1, 1, 2],
  [2, 50, 1, 1, 1],
  [2, 99, 1, 2, 1],
  [2, 100, 1, 2, 0],
  [3, 10, 0, 1, 2],
  [3, 25, 0, 1, 2],
  [3, 33, 0, 1, 2],
  [3, 34, 0, 1, 2],
  [3, 49, 0, 1, 2],
  [3, 50, 0, 2, 1],
  [3, 10, 1, 1, 3],
  [3, 25, 1, 1, 3],
  [3, 33, 1, 1, 2],
  [3, 34, 1, 1, 2],
  [3, 49, 1, 2, 2],
  [3, 50, 1, 2, 2],
  [10, 0, 1, 0, 10],
  [10, 1, 0, 1, 9],
  [10, 14, 0, 1, 9],
  [10, 15, 0, 2, 8],
  [10, 16, 0, 2, 8],
  [10, 99, 0, 9, 1],
  [10, 100, 1, 10, 0],
  [10, 0, 1, 0, 10],
  [10, 1, 1, 1, 10],
  [10, 18, 1, 2, 9],
  [10, 19, 1, 2, 9],
  [10, 20, 1, 2, 8],
  [10, 23, 1, 2, 8],
  [10, 24, 1, 3, 8],
  [10, 25, 1, 3, 8],
  [10, 99, 1, 10, 1],
  [10, 100, 1, 10, 0],
];

describe("a canary weight as replicas, rounded as Argo Rollouts rounds a basic canary", () => {
  it.each(argoTable)(
    "%i replicas at %i%% (surge %i): %i canary, %i stable",
    (total, weight, surge, canary, stable) => {
      expect(replicaSplit(total, weight, surge > 0)).toEqual({ canary, stable });
    },
  );

  it("gives a canary step at least one pod, and keeps a small stable version whole beside it", () => {
    // Slipway's Deployments may surge: 2 replicas at 10% run 1 canary beside 2 stable pods.
    expect(replicaSplit(2, 10)).toEqual({ canary: 1, stable: 2 });
    expect(replicaSplit(1, 10)).toEqual({ canary: 1, stable: 1 });
    // Without a surge a single replica cannot be shared: the step has no canary pod.
    expect(replicaSplit(1, 10, false)).toEqual({ canary: 0, stable: 1 });
    for (let total = 1; total <= 20; total++)
      for (let weight = 1; weight < 100; weight++) {
        const split = replicaSplit(total, weight);
        expect(split.canary, `${total} at ${weight}%`).toBeGreaterThanOrEqual(1);
        expect(split.stable, `${total} at ${weight}%`).toBeGreaterThanOrEqual(1);
        expect(split.canary + split.stable, `${total} at ${weight}%`).toBeLessThanOrEqual(total + 1);
      }
  });

  it("rounds the issue's example on 10 replicas to the nearest pod", () => {
    expect([10, 50, 100].map((w) => replicaSplit(10, w))).toEqual([
      { canary: 1, stable: 9 },
      { canary: 5, stable: 5 },
      { canary: 10, stable: 0 },
    ]);
    expect(actualWeight(replicaSplit(3, 10))).toBe(25);
  });

  it("refuses what is not a replica total or a weight", () => {
    expect(() => replicaSplit(3, 101)).toThrow(/whole percentage from 0 to 100, not 101/);
    expect(() => replicaSplit(-1, 10)).toThrow(/whole number ≥ 0, not -1/);
    expect(() => replicaSplit(3, 12.5)).toThrow(/not 12.5/);
  });
});
