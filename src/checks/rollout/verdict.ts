import type { FailureEvidence } from "./evidence.ts";

/** What a rollout check says about one live object: finished or not, and how. */
export interface Verdict {
  readonly done: boolean;
  readonly successful: boolean;
  readonly message: string;
  /** A failure's evidence from its pods: the kubelet's reason, the last log lines. */
  readonly evidence?: readonly FailureEvidence[];
}

export const inProgress = (message: string): Verdict => ({ done: false, successful: false, message });
export const succeeded = (message: string): Verdict => ({ done: true, successful: true, message });
export const failed = (message: string): Verdict => ({ done: true, successful: false, message });
