import type { KubernetesObject } from "@kubernetes/client-node";
import { diffApplied, diffObject, type FieldChange } from "./diff.ts";
import { foreignFields, overlaps, slipwayOwned } from "./managed-fields.ts";
import { objectKey } from "./live-state.ts";
import { withObjects, type ObjectChange, type ServicePlan } from "./plan.ts";

/**
 * An object to update, as the apply will really change it: the changes are those from the live
 * object to the one the server's dry run leaves, not from the live object to the definition.
 * Where the two differ, another field manager owns what stays (server-side apply removes only
 * fields Slipway owned): those fields are named with their managers, and with `reclaim` the
 * deploy takes them over first, so that its apply removes them.
 */
export function asTheServerLeavesIt(
  change: ObjectChange,
  live: KubernetesObject | undefined,
  after: KubernetesObject | undefined,
  reclaim: boolean,
): ObjectChange {
  if (change.action !== "update" || !change.desired || !live || !after) return change;
  const differing = diffObject(change.desired, after).map((c) => c.path);
  const stays = foreignFields(change.desired, after, differing).filter((f) => f.how === "added");
  // Only fields Slipway's apply owns, before or after: not what the server writes with it
  // (a Deployment's revision annotation, bumped by a dry run of a template change).
  const ours = [...slipwayOwned(live), ...slipwayOwned(after)];
  // A Deployment applied without replicas (an autoscaler owns them) keeps its live count: the
  // apply hands the field to another manager first (applyAll), which a dry run does not.
  const handsOver =
    change.kind === "Deployment" &&
    (change.desired as { spec?: { replicas?: unknown } }).spec?.replicas === undefined;
  const applied = diffApplied(live, after).filter(
    (c) => ours.some((p) => overlaps(p, c.path)) && !(handsOver && c.path === "spec.replicas"),
  );
  const removed: FieldChange[] = reclaim ? stays.map((f) => ({ path: f.path, from: f.value })) : [];
  const changes = [...applied, ...removed];
  const { stays: _stays, reclaims: _reclaims, ...rest } = change;
  return {
    ...rest,
    action: changes.length ? "update" : "unchanged",
    changes,
    ...(stays.length ? (reclaim ? { reclaims: stays } : { stays }) : {}),
  };
}

/** Each service's objects as the server's dry run says the apply leaves them, and whether it then changes. */
export function withServerView(
  services: readonly ServicePlan[],
  live: ReadonlyMap<string, KubernetesObject>,
  leaves: ReadonlyMap<string, KubernetesObject>,
  reclaim: boolean,
): ServicePlan[] {
  return services.map((s) =>
    withObjects(
      s,
      s.objects.map((o) => {
        const key = objectKey({ kind: o.kind, metadata: { name: o.name } });
        return asTheServerLeavesIt(o, live.get(key), leaves.get(key), reclaim);
      }),
    ),
  );
}
