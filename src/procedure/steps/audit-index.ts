import { applyAuditCall } from "../../audit/apply.ts";
import { conflictEffect, describeConflict } from "../../audit/compare.ts";
import { describeAuditCall, type AuditCallPlan } from "../../audit/plan.ts";
import { failedStep, succeeded, type ServiceRun, type Step, type StepResult } from "../step.ts";

/**
 * Breaking call → audit index updated: each audited call whose request type changed gets its
 * index template and, where the mapping cannot take it, a rollover, before the new version
 * writes. The plan is rebuilt from the server on every run, so a failure halfway converges.
 */
export const auditIndex: Step = {
  name: "audit-index",
  phase: "before-rollout",
  evenWhenUnchanged: true,
  needed: ({ plan }) => plan.audit.some((a) => a.change !== "none"),
  describe: ({ plan }) =>
    `update the audit index of ${plan.audit
      .filter((a) => a.change !== "none")
      .map((a) => `${a.call} (${a.change})`)
      .join(", ")}, then verify its live mapping`,
  async run(run) {
    const changes = run.plan.audit.filter((a) => a.change !== "none");
    if (run.options.skipAuditIndex) return skip(run, changes, run.options.skipAuditIndex.reason);
    const search = run.options.search;
    if (!search) return failedStep("its audit index must change, but the environment names no search server");
    for (const change of changes) {
      try {
        const result = await applyAuditCall(search, change, (done) =>
          run.progress(`audit index ${change.call}: ${done}; verifying`),
        );
        run.detail(
          `audit index ${change.call}: ${result.message}; verified ${result.writeIndex} (template v${result.templateVersion})`,
        );
        run.release?.checks.push({
          check: `audit-index/${change.call}`,
          outcome: "passed",
          message: `${change.change}: ${result.message}`,
        });
      } catch (error) {
        return failedStep(`audit index of ${change.call} could not be updated: ${(error as Error).message}`);
      }
    }
    return succeeded(`audit index: ${changes.map(describeAuditCall).join("; ")}`);
  },
  async dryRun(run) {
    const changes = run.plan.audit.filter((a) => a.change !== "none");
    return succeeded(`audit index (not changed in a dry run): ${changes.map(describeAuditCall).join("; ")}`);
  },
};

/**
 * --skip-audit-index: nothing is written to the search server. The override is recorded; each
 * call whose write index cannot take the new request type is said, with its fields and what
 * Elasticsearch does with the new version's entries, and recorded as a skipped check.
 */
function skip(run: ServiceRun, changes: readonly AuditCallPlan[], reason: string): StepResult {
  const said = `audit index update skipped by ${run.options.deployedBy}: ${reason}`;
  if (run.release) run.release.overrides = [...(run.release.overrides ?? []), said];
  run.detail(said);
  for (const change of changes) {
    const rejected = change.conflicts.filter((c) => conflictEffect(c) === "rejected");
    const message =
      change.conflicts.length === 0
        ? `${change.call}: not updated (${change.change}): ${describeAuditCall(change)}`
        : `${change.call}: ${rejected.length ? "Elasticsearch REJECTS this version's entries" : "this version's entries are not fully indexed"}: ${change.conflicts.map(describeConflict).join("; ")} (write index ${change.writeIndex}); fix: deploy again without --skip-audit-index, which rolls ${change.names.alias} over`;
    run.detail(`warning: audit index ${message}`);
    run.release?.checks.push({ check: `audit-index/${change.call}`, outcome: "skipped", message });
  }
  return succeeded(`audit index not updated (${said}): ${changes.map((c) => c.call).join(", ")}`);
}
