import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podEvidence } from "../../src/canary/pod-evidence.ts";

const window = { from: new Date("2026-12-06T06:00:00Z"), to: new Date("2026-12-06T06:05:00Z") };

/** A pod as the API server reports it, with only the fields pod evidence reads. */
function pod(
  name: string,
  status: {
    ready?: boolean;
    readySince?: string;
    restarts?: number;
    lastTerminated?: { reason: string; finishedAt: string };
  } = {},
): V1Pod {
  return {
    metadata: { name },
    status: {
      phase: "Running",
      conditions: [
        {
          type: "Ready",
          status: status.ready === false ? "False" : "True",
          lastTransitionTime: new Date(status.readySince ?? "2026-12-06T05:59:00Z"),
        },
      ],
      containerStatuses: [
        {
          name: "files",
          image: "files:1.1.0",
          imageID: "",
          ready: status.ready !== false,
          restartCount: status.restarts ?? 0,
          state: { running: { startedAt: new Date("2026-12-06T05:58:00Z") } },
          ...(status.lastTerminated
            ? {
                lastState: {
                  terminated: {
                    exitCode: 137,
                    reason: status.lastTerminated.reason,
                    finishedAt: new Date(status.lastTerminated.finishedAt),
                  },
                },
              }
            : {}),
        },
      ],
    },
  };
}

describe("pod evidence from pod statuses alone", () => {
  it("sees nothing in quiet, ready pods", () => {
    expect(
      podEvidence(
        [
          [pod("a"), pod("b")],
          [pod("a"), pod("b")],
        ],
        window,
      ),
    ).toEqual({
      pods: 2,
      ready: 2,
      restarts: 0,
      oomKills: 0,
      readinessFlaps: 0,
      notes: [],
    });
  });

  it("counts restarts inside the window only: since its start, or since a new pod started", () => {
    const e = podEvidence(
      [[pod("a", { restarts: 4 })], [pod("a", { restarts: 6 }), pod("new", { restarts: 1 })]],
      window,
    );
    expect(e.restarts).toBe(3);
    expect(e.notes).toEqual([
      "a: container files restarted 2 times",
      "new: container files restarted 1 time",
    ]);
  });

  it("counts an OOM kill that finished in the window, not an older one", () => {
    const inWindow = pod("a", {
      restarts: 1,
      lastTerminated: { reason: "OOMKilled", finishedAt: "2026-12-06T06:02:00Z" },
    });
    const before = pod("b", {
      restarts: 1,
      lastTerminated: { reason: "OOMKilled", finishedAt: "2026-12-06T05:30:00Z" },
    });
    const error = pod("c", {
      restarts: 1,
      lastTerminated: { reason: "Error", finishedAt: "2026-12-06T06:02:00Z" },
    });
    const e = podEvidence([[inWindow, before, error]], window);
    expect(e.oomKills).toBe(1);
    expect(e.notes).toContain("a: container files OOMKilled");
  });

  it("sees a readiness flap when a ready pod goes unready, or its Ready condition moved between looks", () => {
    const seen = podEvidence(
      [
        [pod("a"), pod("b")],
        [
          pod("a", { ready: false, readySince: "2026-12-06T06:01:00Z" }),
          pod("b", { readySince: "2026-12-06T06:02:00Z" }),
        ],
      ],
      window,
    );
    expect(seen).toMatchObject({ pods: 2, ready: 1, readinessFlaps: 2 });
    expect(seen.notes).toEqual([
      "a: went from ready to not ready 1 time",
      "b: went from ready to not ready 1 time",
    ]);
  });

  it("does not count a pod's first becoming ready as a flap", () => {
    const starting = podEvidence(
      [[pod("a", { ready: false })], [pod("a", { readySince: "2026-12-06T06:01:00Z" })]],
      window,
    );
    expect(starting.readinessFlaps).toBe(0);
    expect(starting.ready).toBe(1);
  });
});
