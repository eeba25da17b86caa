import type { V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import type { AnalysisThresholds } from "../definitions/rollout-strategy.ts";
import { sleep } from "../util/sleep.ts";
import { analyse, type AnalysisResult, type CallEvidence } from "./analysis.ts";
import { readAuditEvidence } from "./audit-evidence.ts";
import { podEvidence } from "./pod-evidence.ts";
import type { CanaryDecision } from "./record.ts";
import { trackPods } from "./tracks.ts";

export interface AnalysisRun {
  readonly cluster: Cluster;
  readonly namespace: string;
  readonly service: string;
  readonly search?: SearchClient;
  readonly indexPrefix?: string;
  /** The service's audited calls: the ones whose entries say which version served them. */
  readonly calls: readonly string[];
  readonly stableVersion: string;
  readonly canaryVersion: string;
  readonly windowMs: number;
  readonly thresholds: AnalysisThresholds;
  /** Asked at each look: an abort given meanwhile ends the window early. */
  readonly abortGiven: () => Promise<CanaryDecision | undefined>;
  readonly progress: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** How often the pods are looked at (and an abort asked for) during a window. */
const lookEveryMs = 5000;
/** Entries written at the window's end are searchable after the index's refresh (1 s by default). */
const refreshMs = 2000;

/**
 * One analysis window: both tracks' pods looked at every few seconds, then each audited call's
 * entries of the window counted by version, judged together. Ends early only for an abort.
 */
export async function runAnalysis(
  run: AnalysisRun,
): Promise<{ readonly result: AnalysisResult } | { readonly aborted: CanaryDecision }> {
  const from = new Date();
  const to = new Date(from.getTime() + run.windowMs);
  const stable: V1Pod[][] = [];
  const canary: V1Pod[][] = [];
  const look = async (): Promise<void> => {
    const [s, c] = await Promise.all([
      trackPods(run.cluster, run.namespace, run.service, "stable", run.signal),
      trackPods(run.cluster, run.namespace, run.service, "canary", run.signal),
    ]);
    stable.push(s);
    canary.push(c);
  };
  await look();
  while (Date.now() < to.getTime()) {
    const left = to.getTime() - Date.now();
    run.progress(`analysing until ${to.toISOString().slice(11, 19)}Z (${Math.ceil(left / 1000)} s left)`);
    await sleep(Math.min(lookEveryMs, left), run.signal);
    await look();
    const decision = await run.abortGiven();
    if (decision) return { aborted: decision };
  }
  await sleep(refreshMs, run.signal);
  const window = { from, to };
  const pods = { stable: podEvidence(stable, window), canary: podEvidence(canary, window) };
  const input = { window, stableVersion: run.stableVersion, canaryVersion: run.canaryVersion, pods };
  let calls: CallEvidence[] = [];
  if (run.search && run.calls.length) {
    try {
      calls = await readAuditEvidence(run.search, run.calls, {
        ...input,
        ...(run.indexPrefix ? { prefix: run.indexPrefix } : {}),
      });
    } catch (error) {
      // No evidence is never a pass: the window is inconclusive, saying why.
      const judged = analyse({ ...input, calls: [] }, run.thresholds);
      return {
        result: {
          ...judged,
          verdict: judged.verdict === "fail" ? "fail" : "inconclusive",
          summary: `the audit index could not be read: ${(error as Error).message}`,
        },
      };
    }
  }
  const result = analyse({ ...input, calls }, run.thresholds);
  if (!run.search && result.verdict !== "fail")
    return {
      result: {
        ...result,
        verdict: "inconclusive",
        summary: "the environment names no search server: the canary's calls cannot be judged",
      },
    };
  return { result };
}
