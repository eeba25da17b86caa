import type { StepName } from "./step.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";

export type ServiceOutcome = "deployed" | "unchanged" | "failed" | "rolled-back" | "skipped" | "dry-run";

/** How one service's deploy ended. */
export interface ServiceResult {
  readonly service: string;
  readonly outcome: ServiceOutcome;
  readonly revision?: number;
  readonly message: string;
  /** The step that stopped it before anything of the new version ran (a check's refusal, ...). */
  readonly failedStep?: StepName;
  /** Why it failed, as the cluster says it: the pods' reasons and last log lines. */
  readonly evidence?: readonly FailureEvidence[];
}

export interface DeployReport {
  readonly ok: boolean;
  readonly services: readonly ServiceResult[];
}

/** A service that did not deploy holds back the services that depend on it. */
export const didNotDeploy = (r: ServiceResult): boolean =>
  r.outcome === "failed" || r.outcome === "rolled-back" || r.outcome === "skipped";
