import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { kubeRequest } from "./request.ts";
import { objectPath } from "./resources.ts";

export const fieldManager = "slipway";

export interface ApplyOptions {
  /** Server-side dry run: the server validates and admits, and stores nothing. */
  readonly dryRun?: boolean;
  /** Take over fields another manager owns (otherwise a conflict is an error). */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

/** Server-side apply of one object as rendered, with Slipway's field manager. */
export function applyObject(
  kc: KubeConfig,
  object: KubernetesObject,
  options: ApplyOptions = {},
): Promise<KubernetesObject> {
  const name = object.metadata?.name;
  if (!object.kind || !name) throw new Error("cannot apply an object without kind and metadata.name");
  return kubeRequest<KubernetesObject>(kc, {
    method: "PATCH",
    path: objectPath(object.kind, name, object.metadata?.namespace),
    // Strict: a field the server does not know is an error, never silently dropped.
    query: {
      fieldManager,
      fieldValidation: "Strict",
      ...(options.force ? { force: "true" } : {}),
      ...(options.dryRun ? { dryRun: "All" } : {}),
    },
    // JSON is YAML: the apply content type takes the object as rendered.
    contentType: "application/apply-patch+yaml",
    body: object,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
