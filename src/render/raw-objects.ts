import type { KubernetesObject } from "@kubernetes/client-node";
import { standardLabels, versionAnnotation, type RenderContext } from "./labels.ts";

/**
 * The definition's raw objects, as written, in the environment's namespace and with Slipway's
 * labels, so prune, drift and history treat them like the objects it renders itself.
 */
export function renderRawObjects(ctx: RenderContext): KubernetesObject[] {
  return (ctx.service.spec.objects ?? []).map((raw) => {
    const object = structuredClone(raw) as KubernetesObject;
    return {
      ...object,
      metadata: {
        ...raw.metadata,
        namespace: ctx.env.cluster.namespace,
        labels: { ...raw.metadata.labels, ...standardLabels(ctx) },
        annotations: { ...raw.metadata.annotations, [versionAnnotation]: ctx.service.spec.version },
      },
    };
  });
}
