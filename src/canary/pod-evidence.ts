import type { V1Pod } from "@kubernetes/client-node";
import type { TimeWindow, TrackPods } from "./analysis.ts";

/**
 * What one version's pods did in an analysis window, from their statuses alone (no events, no
 * metrics server): pure, so the procedure can feed it the pods it lists at the window's start, at
 * its end and whenever it polls in between, oldest first.
 *
 * - Restarts: each container's restartCount at the end less at the window's start (a pod that
 *   appears later counts from 0: its restarts all happened since it started, in the window).
 * - OOM kills: a container whose last termination, or current one, is OOMKilled and finished
 *   inside the window.
 * - Readiness flaps: a pod seen ready, then not ready; and a pod seen ready twice whose Ready
 *   condition's lastTransitionTime moved in between (it went down and up between two looks). A
 *   pod's first becoming ready is not a flap.
 */
export function podEvidence(snapshots: readonly (readonly V1Pod[])[], window: TimeWindow): TrackPods {
  const last = snapshots.at(-1) ?? [];
  // Restart counts at the window's start; a pod that appears later counts from 0.
  const firstRestarts = new Map<string, number>();
  for (const pod of snapshots[0] ?? [])
    for (const c of pod.status?.containerStatuses ?? [])
      firstRestarts.set(`${podName(pod)}/${c.name}`, c.restartCount);
  const readySeen = new Map<string, { ready: boolean; since: string | undefined }>();
  const flaps = new Map<string, number>();
  for (const pods of snapshots)
    for (const pod of pods) {
      const name = podName(pod);
      const condition = pod.status?.conditions?.find((c) => c.type === "Ready");
      const now = {
        ready: condition?.status === "True",
        since: transitionTime(condition?.lastTransitionTime),
      };
      const before = readySeen.get(name);
      const flapped =
        before?.ready === true && (!now.ready || (now.since !== undefined && now.since !== before.since));
      if (flapped) flaps.set(name, (flaps.get(name) ?? 0) + 1);
      readySeen.set(name, now);
    }

  const notes: string[] = [];
  let restarts = 0;
  let oomKills = 0;
  for (const pod of last) {
    const name = podName(pod);
    for (const c of pod.status?.containerStatuses ?? []) {
      const since = c.restartCount - (firstRestarts.get(`${name}/${c.name}`) ?? 0);
      if (since > 0) {
        restarts += since;
        notes.push(`${name}: container ${c.name} restarted ${since} time${since === 1 ? "" : "s"}`);
      }
      const killed = [c.lastState?.terminated, c.state?.terminated].filter(
        (t) => t?.reason === "OOMKilled" && within(t.finishedAt, window),
      ).length;
      if (killed > 0) {
        oomKills += killed;
        notes.push(`${name}: container ${c.name} OOMKilled`);
      }
    }
  }
  for (const [name, count] of flaps)
    notes.push(`${name}: went from ready to not ready ${count} time${count === 1 ? "" : "s"}`);
  return {
    pods: last.length,
    ready: last.filter((p) => readySeen.get(podName(p))?.ready).length,
    restarts,
    oomKills,
    readinessFlaps: [...flaps.values()].reduce((a, b) => a + b, 0),
    notes,
  };
}

const podName = (pod: V1Pod): string => pod.metadata?.name ?? "pod";

/** The client gives a Date; a pod status read as JSON gives a string: both compare as ISO text. */
function transitionTime(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? new Date(value).toISOString() : value.toISOString();
}

function within(value: Date | string | undefined, window: TimeWindow): boolean {
  if (value === undefined) return false;
  const at = new Date(value).getTime();
  return at >= window.from.getTime() && at <= window.to.getTime();
}
