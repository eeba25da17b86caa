import { takeOverFields } from "../../clients/kubernetes/take-over-fields.ts";
import type { ObjectChange, ServicePlan } from "../../plan/plan.ts";
import { succeeded, type ServiceRun, type Step, type StepResult } from "../step.ts";

const reclaiming = (plan: ServicePlan): ObjectChange[] => plan.objects.filter((o) => o.reclaims?.length);
const fieldsOf = (plan: ServicePlan) => reclaiming(plan).flatMap((o) => o.reclaims ?? []);
const managersOf = (plan: ServicePlan): string =>
  [...new Set(fieldsOf(plan).flatMap((f) => f.managers))]
    .sort()
    .map((m) => `"${m}"`)
    .join(", ");

/**
 * deploy --reclaim: fields other field managers added (`kubectl set env`) are made Slipway's,
 * so that the apply, which leaves them out, removes them. Without this, server-side apply
 * leaves them: it removes only fields their applier owned.
 */
export const reclaim: Step = {
  name: "reclaim",
  phase: "before-rollout",
  needed: ({ plan }) => plan.changed && fieldsOf(plan).length > 0,
  describe: ({ plan }) =>
    `take over ${fieldsOf(plan).length} field(s) that field manager(s) ${managersOf(plan)} added, so that the apply removes them`,
  run: (run) => takeOverAll(run, false),
  dryRun: (run) => takeOverAll(run, true),
};

async function takeOverAll(run: ServiceRun, dryRun: boolean): Promise<StepResult> {
  let moved = 0;
  for (const o of reclaiming(run.plan)) {
    const fields = new Set((o.reclaims ?? []).map((f) => f.field));
    const took = await takeOverFields(
      run.cluster,
      { kind: o.kind, name: o.name, namespace: run.env.cluster.namespace },
      fields,
      { dryRun, ...(run.options.signal ? { signal: run.options.signal } : {}) },
    );
    if (took) moved += fields.size;
  }
  return succeeded(
    `${dryRun ? "server accepted taking over" : "took over"} ${moved} field(s) from ${managersOf(run.plan)}`,
  );
}
