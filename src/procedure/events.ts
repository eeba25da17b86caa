import type { ServiceResult } from "./report.ts";
import type { StepName } from "./step.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";
import type { BreakGlass } from "../windows/break-glass.ts";
import type { AnalysisResult, Verdict } from "../canary/analysis.ts";
import type { CanaryDecision, CanaryPause } from "../canary/record.ts";
import type { ReplicaSplit } from "../canary/weights.ts";

/**
 * What a deploy tells as it goes, as typed values: the terminal, JSON Lines and a dashboard
 * are renderers of this one stream and compute nothing of their own.
 */
export type DeployEvent =
  | {
      readonly type: "lock-wait";
      readonly holder: string;
      readonly since: string;
      readonly expiresInSeconds: number;
      readonly message: string;
    }
  | { readonly type: "lock-taken-over"; readonly from: string }
  | {
      readonly type: "service-started";
      readonly service: string;
      readonly revision: number;
      /** Set when this deploy finishes an interrupted one: the steps it had done. */
      readonly resumedAfter?: readonly StepName[];
    }
  | {
      readonly type: "step-started";
      readonly service: string;
      readonly step: StepName;
      readonly description: string;
    }
  | {
      readonly type: "step-progress";
      readonly service: string;
      readonly step: StepName;
      readonly message: string;
      /** A live status, replaced by the next one; otherwise a line to keep. */
      readonly live: boolean;
      /** A rollout's ready and desired pods, when the step watches one. */
      readonly pods?: { readonly ready: number; readonly desired: number };
      readonly elapsedMs: number;
    }
  | {
      readonly type: "step-finished";
      readonly service: string;
      readonly step: StepName;
      readonly outcome: "done" | "failed";
      readonly message: string;
      /** A failure's evidence from the cluster: each pod's reason and last log lines. */
      readonly evidence?: readonly FailureEvidence[];
    }
  | {
      readonly type: "rollback";
      readonly service: string;
      readonly phase: "started" | "progress" | "finished";
      readonly toRevision: number;
      readonly message: string;
      readonly successful?: boolean;
    }
  /** A canary reached a weight: its share of the replicas, as pods. */
  | {
      readonly type: "canary-weight";
      readonly service: string;
      readonly step: number;
      readonly weight: number;
      readonly split: ReplicaSplit;
      readonly message: string;
    }
  /** An analysis step's verdict, with every number behind it. */
  | {
      readonly type: "canary-analysis";
      readonly service: string;
      readonly step: number;
      readonly verdict: Verdict;
      readonly summary: string;
      readonly result: AnalysisResult;
    }
  /** The canary waits for a person: `slipway canary promote|abort`, or the dashboard. */
  | ({ readonly type: "canary-paused"; readonly service: string } & CanaryPause)
  /** A person's promote or abort, as the deploy received it. */
  | ({ readonly type: "canary-decision"; readonly service: string } & CanaryDecision)
  /** The canary was stopped: 0 canary pods, the stable version whole again. */
  | {
      readonly type: "canary-aborted";
      readonly service: string;
      readonly step: number;
      readonly reason: string;
    }
  /** Every step passed: the new version is the stable one now, the canary Deployment gone. */
  | { readonly type: "canary-promoted"; readonly service: string; readonly message: string }
  | { readonly type: "orphans-pruned"; readonly objects: readonly string[] }
  /**
   * A deploy into a frozen environment by someone it lets break glass: told before any service
   * starts, so notifications can announce it; each release records it too.
   */
  | ({ readonly type: "break-glass"; readonly environment: string } & Omit<BreakGlass, "at">)
  | { readonly type: "service-finished"; readonly result: ServiceResult };

export type DeployEventSink = (event: DeployEvent) => void;
