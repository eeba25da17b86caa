import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";

export const managedBy = "slipway";
export const versionAnnotation = "slipway.dev/version";
export const environmentLabel = "slipway.dev/environment";

export interface RenderContext {
  readonly project: string;
  readonly env: EnvironmentModel;
  readonly service: ServiceModel;
  /** Image digests by service name, when resolved: workloads then reference the digest. */
  readonly digests?: ReadonlyMap<string, string>;
}

/** A version as a label value (labels allow [-._a-zA-Z0-9], at most 63 characters). */
export const labelSafe = (value: string): string => value.replace(/[^-._a-zA-Z0-9]/g, "_").slice(0, 63);

/** Labels that never change across versions: the Deployment's selector. */
export function selectorLabels(ctx: RenderContext): Record<string, string> {
  return { "app.kubernetes.io/name": ctx.service.spec.name, "app.kubernetes.io/part-of": ctx.project };
}

export function standardLabels(ctx: RenderContext): Record<string, string> {
  return {
    ...selectorLabels(ctx),
    "app.kubernetes.io/version": labelSafe(ctx.service.spec.version),
    "app.kubernetes.io/managed-by": managedBy,
    [environmentLabel]: ctx.env.name,
  };
}

/** Names the service on pods that do not serve it (Jobs, CronJobs): not its Service's selector. */
export const serviceLabel = "slipway.dev/service";

/**
 * A Job's or CronJob's pod: the service's labels except the selector's, which would put it
 * behind the service's Service (a smoke test answering its own calls with "connection
 * refused") and count it in its PodDisruptionBudget.
 */
export function jobPodLabels(ctx: RenderContext, component: string): Record<string, string> {
  const labels: Record<string, string> = { ...standardLabels(ctx) };
  for (const key of Object.keys(selectorLabels(ctx))) delete labels[key];
  return { ...labels, [serviceLabel]: ctx.service.spec.name, "app.kubernetes.io/component": component };
}

export function metadata(
  ctx: RenderContext,
  name: string,
  extraLabels: Record<string, string> = {},
): V1ObjectMeta {
  return {
    name,
    namespace: ctx.env.cluster.namespace,
    labels: { ...standardLabels(ctx), ...extraLabels },
    annotations: { [versionAnnotation]: ctx.service.spec.version },
  };
}
