import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { ServicePlan } from "../../plan/plan.ts";
import { succeeded, type Step } from "../step.ts";

const toPrune = (plan: ServicePlan) => plan.objects.filter((o) => o.action === "prune");

/** Deletes an object only if it still carries Slipway's label: nothing else is ever touched. */
export async function deleteIfManaged(
  cluster: Cluster,
  kind: string,
  name: string,
  namespace: string,
): Promise<boolean> {
  const live = await cluster.get(kind, name, namespace);
  if (live?.metadata?.labels?.["app.kubernetes.io/managed-by"] !== "slipway") return false;
  await cluster.delete(kind, name, namespace);
  return true;
}

/** Removes what the service no longer defines, once the new version runs without it. */
export const prune: Step = {
  name: "prune",
  phase: "rollout",
  needed: ({ plan }) => plan.changed && toPrune(plan).length > 0,
  describe: ({ plan }) => `delete ${toPrune(plan).length} object(s) no longer defined`,
  async run(run) {
    const deleted: string[] = [];
    for (const o of toPrune(run.plan))
      if (await deleteIfManaged(run.cluster, o.kind, o.name, run.env.cluster.namespace))
        deleted.push(`${o.kind}/${o.name}`);
    return succeeded(`pruned ${deleted.join(", ") || "nothing (already gone)"}`);
  },
  async dryRun(run) {
    const objects = toPrune(run.plan);
    for (const o of objects) await run.cluster.delete(o.kind, o.name, run.env.cluster.namespace, true);
    return succeeded(`server accepted ${objects.length} deletion(s) in a dry run`);
  },
};
