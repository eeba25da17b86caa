import type { V1PodDisruptionBudget, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { metadata, selectorLabels, type RenderContext } from "./labels.ts";

/** How many of the Deployment's pods a voluntary disruption (a node drain) may take at once. */
export function renderDisruptionBudget(ctx: RenderContext): V1PodDisruptionBudget | undefined {
  const budget = ctx.service.spec.deployment?.disruptionBudget;
  if (!budget) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: metadata(ctx, ctx.service.spec.name),
    spec: {
      selector: { matchLabels: selectorLabels(ctx) },
      ...(budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : {}),
      ...(budget.maxUnavailable !== undefined ? { maxUnavailable: budget.maxUnavailable } : {}),
    },
  };
}

/** An autoscaler of the Deployment on CPU and/or memory utilisation of the pods' requests. */
export function renderAutoscaler(ctx: RenderContext): V2HorizontalPodAutoscaler | undefined {
  const scale = ctx.service.spec.deployment?.autoscale;
  if (!scale) return undefined;
  const utilisation = (name: "cpu" | "memory", percent: number | undefined) =>
    percent === undefined
      ? []
      : [
          {
            type: "Resource",
            resource: { name, target: { type: "Utilization", averageUtilization: percent } },
          },
        ];
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(ctx, ctx.service.spec.name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ctx.service.spec.name },
      minReplicas: scale.minReplicas,
      maxReplicas: scale.maxReplicas,
      metrics: [...utilisation("cpu", scale.cpu), ...utilisation("memory", scale.memory)],
    },
  };
}
