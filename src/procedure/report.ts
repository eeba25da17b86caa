import type { StepName } from "./step.ts";

export type ServiceOutcome = "deployed" | "unchanged" | "failed" | "rolled-back" | "skipped" | "dry-run";

/** How one service's deploy ended. */
export interface ServiceResult {
  readonly service: string;
  readonly outcome: ServiceOutcome;
  readonly revision?: number;
  readonly message: string;
  /** The step that stopped it before anything of the new version ran (a check's refusal, ...). */
  readonly failedStep?: StepName;
}

export interface DeployReport {
  readonly ok: boolean;
  readonly services: readonly ServiceResult[];
}

/** A service that did not deploy holds back the services that depend on it. */
export const didNotDeploy = (r: ServiceResult): boolean =>
  r.outcome === "failed" || r.outcome === "rolled-back" || r.outcome === "skipped";
