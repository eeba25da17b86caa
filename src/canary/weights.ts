/**
 * A canary weight as pods: no mesh, so the share of calls the canary gets is its share of the
 * ready endpoints behind the one Service both Deployments sit behind.
 *
 * Rounded as Argo Rollouts rounds a basic (replica-based) canary, in
 * `approximateWeightedCanaryStableReplicaCounts` (utils/replicaset/canary.go, called from
 * `CalculateReplicaCountsForBasicCanary`):
 * - The candidates are the weight's share of the total rounded down and rounded up, each either
 *   within the total or, when a surge is allowed, with the total one above it. The candidate whose
 *   real share (canary / (canary + stable)) is closest to the weight wins; on a tie the earlier
 *   in that order (up, then down; within the total, then surged).
 * - An exact half (3 replicas at 50%: 1.5) is not rounded down: the ceiling stands alone.
 * - A weight from 1 to 99 never gives the canary 0 pods, unless there is 1 replica and no surge:
 *   a step that promised a canary runs one.
 * - The ceiling is used within the total only if it leaves the stable version a pod (or the
 *   weight is 0 or 100): with a surge, a small total keeps its stable pods whole and runs the canary
 *   beside them (1 replica at 50% → 1 canary and 1 stable, 2 pods for a while).
 * - Weight 0: every replica stable; weight 100: every replica canary.
 *
 * Slipway's Deployments surge by 25% rounded up (render/workloads.ts), so any total of 1 or more
 * may surge by one: `surge` is true unless the caller knows otherwise.
 */
export interface ReplicaSplit {
  readonly canary: number;
  readonly stable: number;
}

export function replicaSplit(total: number, weight: number, surge = true): ReplicaSplit {
  if (!Number.isInteger(total) || total < 0)
    throw new RangeError(`a replica total is a whole number ≥ 0, not ${total}`);
  if (!Number.isInteger(weight) || weight < 0 || weight > maxWeight)
    throw new RangeError(`a canary weight is a whole percentage from 0 to 100, not ${weight}`);
  if (total === 0) return { canary: 0, stable: 0 };
  const exact = (total * weight) / maxWeight;
  const ceil = Math.ceil(exact);
  const floor = Math.floor(exact);
  const zeroAllowed = weight === maxWeight || weight === 0 || (total === 1 && !surge);
  const options: { canary: number; total: number }[] = [];
  if (ceil < total || zeroAllowed) options.push({ canary: ceil, total });
  if (!tied(weight, total) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total });
  if (surge) {
    options.push({ canary: ceil, total: total + 1 });
    if (!tied(weight, total + 1) && (floor !== 0 || zeroAllowed))
      options.push({ canary: floor, total: total + 1 });
  }
  // Argo's "should not get here": every replica stable.
  let best = options[0] ?? { canary: 0, total };
  for (const option of options.slice(1))
    if (delta(weight, option.canary, option.total) < delta(weight, best.canary, best.total)) best = option;
  return { canary: best.canary, stable: best.total - best.canary };
}

const maxWeight = 100;

/** The share falls exactly on a half pod (Argo's floorCeilingTied). */
const tied = (weight: number, total: number): boolean => ((total * weight) / maxWeight) % 1 === 0.5;

/** How far a split's real share is from the weight, in percentage points. */
const delta = (weight: number, canary: number, total: number): number =>
  Math.abs((canary * maxWeight) / total - weight);

/** The canary's real share of the pods in a split, in percent: what the plan shows beside the weight. */
export function actualWeight(split: ReplicaSplit): number {
  const total = split.canary + split.stable;
  return total === 0 ? 0 : (split.canary * maxWeight) / total;
}
