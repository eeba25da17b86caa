import type { KubernetesObject } from "@kubernetes/client-node";
import type { ResolvedService } from "../definitions/schema/service.ts";
import { applyJsonPatch, applyMergePatch, JsonPatchError, type Json } from "./json-patch.ts";
import { standardLabels, type RenderContext } from "./labels.ts";

type Patch = NonNullable<ResolvedService["patches"]>[number];

/** A patch that cannot apply: a definition error at `path` (`patches[1].json`). */
export class PatchError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export const matchesTarget = (target: Patch["target"], o: KubernetesObject): boolean =>
  o.kind === target.kind && (target.name === undefined || o.metadata?.name === target.name);

/** What a patch may not change: what Slipway finds, prunes and records its objects by. */
function identity(o: KubernetesObject, labels: Readonly<Record<string, string>>): string {
  const own = Object.keys(labels).map((k) => [k, o.metadata?.labels?.[k]]);
  return JSON.stringify([o.apiVersion, o.kind, o.metadata?.name, o.metadata?.namespace, own]);
}

/**
 * Applies the service's patches, in order, to its rendered objects: after render and before
 * anything else sees them, so the plan's diff, its dry run and the apply all see the patched
 * objects. A patch whose target matches nothing is an error, not a silent no-op.
 */
export function applyPatches(ctx: RenderContext, objects: readonly KubernetesObject[]): KubernetesObject[] {
  return patchObjects(ctx, objects, (p) => p.target.kind !== "Job");
}

/**
 * A Job the service starts (migration, verification, ad-hoc), rendered when it runs: the
 * patches that target kind Job, which apply to every such Job (they are named per run).
 */
export function applyJobPatches(ctx: RenderContext, job: KubernetesObject): KubernetesObject {
  return patchObjects(ctx, [job], (p) => p.target.kind === "Job", false)[0] as KubernetesObject;
}

function patchObjects(
  ctx: RenderContext,
  objects: readonly KubernetesObject[],
  applies: (p: Patch) => boolean,
  mustMatch = true,
): KubernetesObject[] {
  const labels = standardLabels(ctx);
  let result = [...objects];
  (ctx.service.spec.patches ?? []).forEach((patch, i) => {
    if (!applies(patch)) return;
    if (mustMatch && !result.some((o) => matchesTarget(patch.target, o)))
      throw new PatchError(
        `patches[${i}].target`,
        `matches no rendered object (${patch.target.kind}${patch.target.name ? `/${patch.target.name}` : ""}; rendered: ${result.map((o) => `${o.kind}/${o.metadata?.name}`).join(", ")})`,
      );
    result = result.map((o) => {
      if (!matchesTarget(patch.target, o)) return o;
      let patched: Json;
      try {
        patched = patch.merge
          ? applyMergePatch(o as unknown as Json, patch.merge as Json)
          : applyJsonPatch(o as unknown as Json, (patch.json ?? []) as Parameters<typeof applyJsonPatch>[1]);
      } catch (error) {
        if (error instanceof JsonPatchError)
          throw new PatchError(`patches[${i}].json`, `${o.kind}/${o.metadata?.name}: ${error.message}`);
        throw error;
      }
      const out = patched as unknown as KubernetesObject;
      if (identity(out, labels) !== identity(o, labels))
        throw new PatchError(
          `patches[${i}]`,
          `${o.kind}/${o.metadata?.name}: a patch may not change apiVersion, kind, metadata.name, metadata.namespace or Slipway's labels (${Object.keys(labels).join(", ")})`,
        );
      return out;
    });
  });
  return result;
}
