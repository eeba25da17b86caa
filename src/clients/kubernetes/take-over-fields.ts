import type { KubernetesObject } from "@kubernetes/client-node";
import { takeOver } from "../../plan/managed-fields.ts";
import type { Cluster } from "./cluster.ts";
import { fieldManager } from "./field-manager.ts";
import { KubernetesApiError } from "./request.ts";
import { objectPath } from "./resources.ts";
import { sleep } from "../../util/sleep.ts";

/**
 * Moves the named fields (server notation) of one live object from the field managers that own
 * them to Slipway's apply, by a JSON patch of its managedFields, as kubectl does when it moves
 * fields from client-side to server-side apply. Guarded by the resourceVersion it read: a write
 * in between fails the patch instead of losing that write's ownership. False when the object is
 * gone, or no other manager owns the fields any more: nothing to move.
 */
export async function takeOverFields(
  cluster: Cluster,
  object: { readonly kind: string; readonly name: string; readonly namespace: string },
  fields: ReadonlySet<string>,
  options: { readonly dryRun?: boolean; readonly signal?: AbortSignal } = {},
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const live: KubernetesObject | undefined = await cluster.get(object.kind, object.name, object.namespace);
    if (!live) return false;
    const managedFields = takeOver(live, fields);
    if (!managedFields) return false;
    try {
      await cluster.request({
        method: "PATCH",
        path: objectPath(object.kind, object.name, object.namespace),
        query: { fieldManager, ...(options.dryRun ? { dryRun: "All" } : {}) },
        contentType: "application/json-patch+json",
        body: [
          { op: "test", path: "/metadata/resourceVersion", value: live.metadata?.resourceVersion },
          { op: "replace", path: "/metadata/managedFields", value: managedFields },
        ],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return true;
    } catch (error) {
      // A failed test is a 422: a controller wrote meanwhile (a Deployment's status, mid-rollout).
      if (!(error instanceof KubernetesApiError && error.status === 422) || attempt >= attempts) throw error;
      await sleep(200 * attempt, options.signal);
    }
  }
}

/** Reads and patches again while controllers write the object in between. */
const attempts = 5;
