import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import type { ServicePlan } from "../plan/plan.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";
import type { ReleaseRecord } from "../release/record.ts";
import type { ReleaseStore } from "../release/store.ts";
import type { DeployEventSink } from "./events.ts";
import type { DeployOptions } from "./options.ts";

export type StepName =
  | "gate"
  | "check-migrations"
  | "migrate"
  | "audit-index"
  | "reclaim"
  | "apply"
  | "rollout"
  | "canary"
  | "verify"
  | "prune"
  | "record";

/**
 * When a step fails: before the rollout nothing of the new version runs yet, so the service
 * stops there; from the rollout on, the new version may be running, so it is rolled back.
 */
export type Phase = "before-rollout" | "rollout";

/** What a step is judged on before anything runs: the service's plan and its definition. */
export interface PlannedService {
  readonly plan: ServicePlan;
  readonly service: ServiceModel;
}

/**
 * What steps hand on to the later steps of the same service's deploy, each value named with the
 * step that gives it. A step returns what it gives (StepResult's `handOn`); the runner keeps it
 * and shows each later step what the steps before it gave (ServiceRun's `handed`).
 */
export interface HandedOn {
  /**
   * Given by apply, needed by rollout: when the objects were applied, so pods older than this
   * belong to the running version. Absent when the apply ran in an earlier, interrupted deploy.
   */
  readonly appliedAt?: Date;
}

/** One service's deploy in progress, as each step sees it. */
export interface ServiceRun extends PlannedService {
  readonly cluster: Cluster;
  readonly project: string;
  readonly env: EnvironmentModel;
  readonly options: DeployOptions;
  readonly store: ReleaseStore;
  /** The release being recorded; absent when only the audit index changes, and in dry runs. */
  readonly release?: ReleaseRecord;
  /** The release deployed before this one: what a failed rollout rolls back to. */
  readonly previous?: ReleaseRecord;
  /** This deploy finishes one that was interrupted. */
  readonly resumed: boolean;
  /** A live status of the running step, replaced by the next one (pods ready, a Job's state). */
  readonly progress: (message: string, pods?: { ready: number; desired: number }) => void;
  /** A line of the running step worth keeping (a finding, an index rolled over, logs). */
  readonly detail: (message: string) => void;
  readonly emit: DeployEventSink;
  /** What the steps before this one handed on, in this run of the deploy. */
  readonly handed: HandedOn;
}

export type StepResult =
  | { readonly ok: true; readonly message: string; readonly handOn?: HandedOn }
  | {
      readonly ok: false;
      readonly message: string;
      /** The step failed before it changed anything: nothing to roll back. */
      readonly nothingChanged?: boolean;
      /** Why, as the cluster says it: the pods' reasons and last log lines. */
      readonly evidence?: readonly FailureEvidence[];
    };

/** One named unit of the procedure: a value known before anything runs. */
export interface Step {
  readonly name: StepName;
  readonly phase: Phase;
  /** Whether this service's deploy runs the step. */
  needed(planned: PlannedService): boolean;
  /** How the plan lists it. */
  describe(planned: PlannedService): string;
  run(run: ServiceRun): Promise<StepResult>;
  /** What it does in a dry run (`deploy --dry-run`); a step without one is not run then. */
  dryRun?(run: ServiceRun): Promise<StepResult>;
  /**
   * Runs instead of these steps when it is needed (a canary instead of the rollout and the
   * verification after it): no deploy of a service runs both.
   */
  readonly replaces?: readonly StepName[];
  /** Also needed when the service's objects are unchanged; it then runs without a release. */
  readonly evenWhenUnchanged?: boolean;
}

/** The release a step records into; only steps of a changed service ask for it. */
export function releaseOf(run: ServiceRun): ReleaseRecord {
  if (!run.release) throw new Error(`internal: ${run.plan.service} has no release to record into`);
  return run.release;
}

/** Objects the plan says to create or update, as it rendered them. */
export const objectsToApply = (plan: ServicePlan): KubernetesObject[] =>
  plan.objects
    .filter((o) => o.action === "create" || o.action === "update")
    .map((o) => o.desired)
    .filter((o): o is KubernetesObject => o !== undefined);

export const succeeded = (message: string, handOn?: HandedOn): StepResult => ({
  ok: true,
  message,
  ...(handOn ? { handOn } : {}),
});
export const failedStep = (
  message: string,
  nothingChanged = false,
  evidence: readonly FailureEvidence[] = [],
): StepResult => ({
  ok: false,
  message,
  ...(nothingChanged ? { nothingChanged } : {}),
  ...(evidence.length ? { evidence } : {}),
});

/** Logs shown inside a step's output: each line indented under the step's own. */
export const indentLines = (text: string): string => text.trimEnd().replace(/^/gm, "    ");
