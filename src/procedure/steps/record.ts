import { releaseOf, succeeded, type Step } from "../step.ts";

/** The release is recorded as deployed: what status, history, drift and rollback read. */
export const record: Step = {
  name: "record",
  phase: "rollout",
  needed: ({ plan }) => plan.changed,
  describe: ({ plan }) => `record release ${plan.newVersion}`,
  async run(run) {
    const release = releaseOf(run);
    // Written with this step's journal entry, in one update.
    release.status = "deployed";
    release.finishedAt = new Date().toISOString();
    return succeeded(`recorded revision ${release.revision} (${release.version})`);
  },
};
