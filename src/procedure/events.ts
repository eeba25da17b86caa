import type { ServiceResult } from "./report.ts";
import type { StepName } from "./step.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";
import type { BreakGlass } from "../windows/break-glass.ts";

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
  | { readonly type: "orphans-pruned"; readonly objects: readonly string[] }
  /**
   * A deploy into a frozen environment by someone it lets break glass: told before any service
   * starts, so notifications can announce it; each release records it too.
   */
  | ({ readonly type: "break-glass"; readonly environment: string } & Omit<BreakGlass, "at">)
  | { readonly type: "service-finished"; readonly result: ServiceResult };

export type DeployEventSink = (event: DeployEvent) => void;
