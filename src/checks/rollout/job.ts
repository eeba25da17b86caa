import type { V1Job } from "@kubernetes/client-node";
import { failed, inProgress, succeeded, type Verdict } from "./verdict.ts";

/** Whether a Job has finished, and how. */
export function jobVerdict(job: V1Job): Verdict {
  const conditions = job.status?.conditions ?? [];
  const complete = conditions.find(
    (c) => (c.type === "Complete" || c.type === "SuccessCriteriaMet") && c.status === "True",
  );
  if (complete) return succeeded("completed");
  const failure = conditions.find((c) => c.type === "Failed" && c.status === "True");
  if (failure)
    return failed(`failed: ${failure.reason ?? ""}${failure.message ? ` (${failure.message})` : ""}`.trim());
  return inProgress(
    `${job.status?.active ?? 0} active, ${job.status?.succeeded ?? 0} succeeded, ${job.status?.failed ?? 0} failed`,
  );
}
