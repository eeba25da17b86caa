import { applyAuditCall } from "../../audit/apply.ts";
import { describeAuditCall } from "../../audit/plan.ts";
import { failedStep, succeeded, type Step } from "../step.ts";

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
