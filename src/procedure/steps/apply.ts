import { ApplyFailed, applyAll } from "../../clients/kubernetes/apply-objects.ts";
import { failedStep, objectsToApply, succeeded, type Step } from "../step.ts";

/** Server-side apply of the objects that change, as the plan rendered them. */
export const apply: Step = {
  name: "apply",
  phase: "rollout",
  needed: ({ plan }) => plan.changed && objectsToApply(plan).length > 0,
  describe: ({ plan }) =>
    `apply ${objectsToApply(plan).length} object(s) (server-side, field manager slipway)`,
  async run(run) {
    const objects = objectsToApply(run.plan);
    run.appliedAt = new Date();
    try {
      await applyAll(run.cluster, objects, {
        force: run.options.forceConflicts,
        ...(run.options.signal ? { signal: run.options.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof ApplyFailed)) throw error;
      // Refused at the first object of a fresh deploy: the cluster is as it was.
      const nothingChanged = error.appliedBefore === 0 && !run.resumed;
      return failedStep(`apply failed: ${error.message}`, nothingChanged);
    }
    return succeeded(`applied ${objects.length} object(s)`);
  },
  async dryRun(run) {
    const objects = objectsToApply(run.plan);
    await applyAll(run.cluster, objects, {
      force: run.options.forceConflicts,
      dryRun: true,
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    return succeeded(`server accepted ${objects.length} object(s) in a dry run`);
  },
};
