import type { V1PodDisruptionBudget, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { keyOf, type Drafting } from "../draft.ts";

/** How the Deployment scales and is drained: its HorizontalPodAutoscaler and PodDisruptionBudget. */

/** The HorizontalPodAutoscaler of the Deployment, when it scales on CPU or memory utilisation only. */
export function draftAutoscale(d: Drafting): void {
  const { name, of, spec, live, mapped } = d;
  const hpa = of<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler").find((h) => h.metadata?.name === name);
  const metric = (resource: string) =>
    hpa?.spec?.metrics?.find(
      (m) =>
        m.type === "Resource" && m.resource?.name === resource && m.resource.target.type === "Utilization",
    )?.resource?.target.averageUtilization;
  if (
    hpa &&
    spec.deployment &&
    hpa.spec?.scaleTargetRef.kind === "Deployment" &&
    hpa.spec.scaleTargetRef.name === name &&
    (hpa.spec.metrics ?? []).every(
      (m) =>
        m.type === "Resource" &&
        ["cpu", "memory"].includes(m.resource?.name ?? "") &&
        m.resource?.target.type === "Utilization",
    ) &&
    !hpa.spec.behavior
  ) {
    const cpu = metric("cpu");
    const memory = metric("memory");
    const { replicas: _replicas, ...rest } = spec.deployment;
    spec.deployment = {
      ...rest,
      autoscale: {
        minReplicas: hpa.spec.minReplicas ?? 1,
        maxReplicas: hpa.spec.maxReplicas,
        ...(cpu !== undefined ? { cpu } : {}),
        ...(memory !== undefined ? { memory } : {}),
      },
    };
    live.set(keyOf(hpa), hpa);
    mapped.push({ kind: "HorizontalPodAutoscaler", name, field: "deployment.autoscale" });
  }
}

/** The PodDisruptionBudget named after the service, with one of minAvailable or maxUnavailable. */
export function draftDisruptionBudget(d: Drafting): void {
  const { name, of, spec, live, mapped } = d;
  const pdb = of<V1PodDisruptionBudget>("PodDisruptionBudget").find((p) => p.metadata?.name === name);
  if (
    pdb &&
    spec.deployment &&
    (pdb.spec?.minAvailable !== undefined) !== (pdb.spec?.maxUnavailable !== undefined)
  ) {
    const value = (v: number | string | undefined) => v;
    spec.deployment = {
      ...spec.deployment,
      disruptionBudget:
        pdb.spec?.minAvailable !== undefined
          ? { minAvailable: value(pdb.spec.minAvailable) as number | string }
          : { maxUnavailable: value(pdb.spec?.maxUnavailable) as number | string },
    };
    live.set(keyOf(pdb), pdb);
    mapped.push({ kind: "PodDisruptionBudget", name, field: "deployment.disruptionBudget" });
  }
}
