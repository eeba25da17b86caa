import type { GateCheck } from "../../checks/gate/types.ts";
import { failedStep, releaseOf, succeeded, type Step } from "../step.ts";

const line = (c: GateCheck): string => `${c.check} ${c.outcome}`;

/**
 * Built and tested: the image digest, the CI build and the promotion were checked when the
 * plan was made (a failure refuses the deploy before the lock); this step records the verdict.
 */
export const gate: Step = {
  name: "gate",
  phase: "before-rollout",
  needed: ({ plan }) => plan.changed && plan.gate !== undefined,
  describe: ({ plan }) =>
    `built and tested: record ${plan.gate?.checks.map((c) => c.check).join(", ")} as checked in this plan`,
  async run(run) {
    const checks = run.plan.gate?.checks ?? [];
    const release = releaseOf(run);
    release.checks.push(
      ...checks.flatMap((c) => [
        { check: `gate/${c.check}`, outcome: c.outcome, message: [c.summary, ...c.problems].join("; ") },
        // Each warning its own entry: a reader of the record finds them by outcome.
        ...(c.warnings ?? []).map((w) => ({ check: `gate/${c.check}`, outcome: "warning", message: w })),
      ]),
    );
    const warnings = checks.flatMap((c) => (c.warnings ?? []).map((w) => `${c.check}: ${w}`));
    for (const w of warnings) run.detail(`warning: ${w}`);
    const refused = checks.filter((c) => c.outcome === "failed");
    if (refused.length) return failedStep(`built and tested: refused by ${refused.map(line).join(", ")}`);
    const warned = warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : "";
    return succeeded(`built and tested: ${checks.map(line).join(", ")}${warned}`);
  },
};
