import { ApplyFailed, applyAll } from "../../clients/kubernetes/apply-objects.ts";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parametersSecretName, secretParameterNames } from "../../definitions/parameters.ts";
import type { ServicePlan } from "../../plan/plan.ts";
import { canaryOf } from "../../plan/rollout-plan.ts";
import { failedStep, objectsToApply, succeeded, type ServiceRun, type Step } from "../step.ts";

/**
 * What the apply step writes: under a canary, all but the Deployment, whose new template the
 * canary step runs as a second Deployment first and gives the stable one only at weight 100.
 */
const applied = (plan: ServicePlan) =>
  canaryOf(plan.rollout) ? objectsToApply(plan).filter((o) => o.kind !== "Deployment") : objectsToApply(plan);

/** Server-side apply of the objects that change, as the plan rendered them. */
export const apply: Step = {
  name: "apply",
  phase: "rollout",
  needed: ({ plan }) => plan.changed && applied(plan).length > 0,
  describe: ({ plan }) =>
    `apply ${applied(plan).length} object(s) (server-side, field manager slipway)${canaryOf(plan.rollout) ? "; the Deployment's new version goes out as the canary" : ""}`,
  async run(run) {
    const objects = applied(run.plan);
    const appliedAt = new Date();
    try {
      await writeSecretParameters(run);
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
    return succeeded(`applied ${objects.length} object(s)`, { appliedAt });
  },
  async dryRun(run) {
    const objects = objectsToApply(run.plan);
    await writeSecretParameters(run, true);
    await applyAll(run.cluster, objects, {
      force: run.options.forceConflicts,
      dryRun: true,
      ...(run.options.signal ? { signal: run.options.signal } : {}),
    });
    return succeeded(`server accepted ${objects.length} object(s) in a dry run`);
  },
};

/**
 * The service's secret parameters, into the Secret its pods reference, before the objects that
 * reference it. Not one of the rendered objects: those are shown in the plan and kept in the
 * release record, and this value must be in neither (a rollback leaves the current value).
 */
async function writeSecretParameters(run: ServiceRun, dryRun = false): Promise<void> {
  const { spec, parameters } = run.service;
  const names = secretParameterNames(spec.parameters, parameters);
  if (!names.length) return;
  await run.cluster.apply(
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: parametersSecretName(spec.name),
        namespace: run.env.cluster.namespace,
        labels: { "app.kubernetes.io/name": spec.name, "app.kubernetes.io/managed-by": "slipway" },
      },
      type: "Opaque",
      stringData: Object.fromEntries(names.map((n) => [n, String(parameters[n])])),
    } as KubernetesObject,
    { force: run.options.forceConflicts, ...(dryRun ? { dryRun: true } : {}) },
  );
}
