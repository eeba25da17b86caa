import type { CanaryStep } from "../definitions/rollout-strategy.ts";
import type { AnalysisResult } from "./analysis.ts";
import type { ReplicaSplit } from "./weights.ts";

/**
 * A canary as its release keeps it: the steps it runs, how far it got, every analysis with its
 * numbers and every person's decision. Written after each step, so a killed deploy resumes at the
 * step it was in, and status, history and the dashboard show the evidence so far.
 */
export interface CanaryRecord {
  /** The steps as the deploy runs them (from the definition, with the environment's policy). */
  readonly steps: readonly CanaryStep[];
  /** The index of the step running or paused; `steps.length` once the last one is done. */
  at: number;
  /** The weight the canary holds now (the last weight step reached), and its pods. */
  weight: number;
  split: ReplicaSplit;
  /** The stable Deployment's replicas before the canary took its share: what an abort restores. */
  readonly replicas: number;
  /** The version the stable pods run, which the analyses compare the canary with. */
  readonly stableVersion: string;
  state: CanaryState;
  /** Why it paused (a manual step, or an inconclusive analysis), while it is paused. */
  paused?: CanaryPause;
  readonly analyses: AnalysisRecord[];
  readonly decisions: CanaryDecision[];
  /** When verification Jobs ran against the canary (after its first weight). */
  verifiedAt?: string;
}

export type CanaryState = "running" | "paused" | "promoted" | "aborted";

export interface CanaryPause {
  readonly step: number;
  readonly reason: "manual" | "inconclusive";
  readonly since: string;
  readonly message: string;
}

/** One analysis step's verdict, with the numbers it was made from. */
export interface AnalysisRecord {
  readonly step: number;
  readonly result: AnalysisResult;
}

/** What a person told a paused (or running) canary: go on, or abort. */
export interface CanaryDecision {
  readonly action: "promote" | "abort";
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
  /** The step it was given at: a promote goes past that pause only, never a later one. */
  readonly step: number;
}

/** A release's canary in a line: the summary history and status show. */
export interface CanarySummary {
  readonly state: CanaryState;
  readonly weight: number;
  /** The pods at that weight (absent from summaries written before it was kept). */
  readonly split?: ReplicaSplit;
  readonly step: number;
  readonly steps: number;
  readonly paused?: CanaryPause["reason"];
}

export const canarySummary = (canary: CanaryRecord): CanarySummary => ({
  state: canary.state,
  weight: canary.weight,
  split: canary.split,
  step: canary.at,
  steps: canary.steps.length,
  ...(canary.state === "paused" && canary.paused ? { paused: canary.paused.reason } : {}),
});
