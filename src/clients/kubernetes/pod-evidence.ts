import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
import {
  evidencePods,
  lastLines,
  logSource,
  podEvidence,
  tellingEvent,
  type FailureEvidence,
} from "../../checks/rollout/evidence.ts";

/** The pod's events; none where the cluster does not let this identity read them. */
export async function podEvents(cluster: Cluster, namespace: string, pod: string): Promise<CoreV1Event[]> {
  try {
    const list = await cluster.listWhere("Event", namespace, {
      fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}`,
    });
    return list.items as CoreV1Event[];
  } catch {
    return [];
  }
}

/** The last lines of one container's log (its previous container's, when asked); none when unavailable. */
export async function containerLogTail(
  cluster: Cluster,
  namespace: string,
  pod: string,
  container: string,
  options: { previous: boolean; lines: number },
): Promise<string | undefined> {
  try {
    const text = await cluster.request<unknown>({
      method: "GET",
      path: `/api/v1/namespaces/${namespace}/pods/${pod}/log`,
      query: {
        container,
        tailLines: String(options.lines),
        ...(options.previous ? { previous: "true" } : {}),
      },
      headers: { accept: "text/plain" },
    });
    return typeof text === "string" ? text : JSON.stringify(text);
  } catch {
    return undefined;
  }
}

/**
 * Why these pods failed, each with its container's last log lines: the previous container's
 * where it restarted (the one that crashed), else the current one's. At most a few pods.
 */
export async function gatherEvidence(
  cluster: Cluster,
  namespace: string,
  pods: readonly V1Pod[],
  lines = 5,
): Promise<FailureEvidence[]> {
  return Promise.all(
    pods.slice(0, evidencePods).map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      const said = podEvidence(pod, await podEvents(cluster, namespace, name));
      const source = logSource(pod, said);
      if (!source) return said;
      let previous = source.previous;
      let text = await containerLogTail(cluster, namespace, name, source.container, { previous, lines });
      // The previous container's log may be gone already: the current one's then.
      if (previous && !text?.trim()) {
        previous = false;
        text = await containerLogTail(cluster, namespace, name, source.container, { previous, lines });
      }
      const kept = text ? lastLines(text, lines) : [];
      return kept.length
        ? { ...said, logs: kept, logsFrom: previous ? ("previous" as const) : ("current" as const) }
        : said;
    }),
  );
}

/** How long a pod may wait for its containers to be created before a mount failure counts. */
export const stuckGraceMs = 20_000;

const waitingToStart = (pod: V1Pod): boolean => {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  if (pod.status?.phase !== "Pending") return false;
  return (
    statuses.length === 0 ||
    statuses.some(
      (s) =>
        s.state?.waiting?.reason === "ContainerCreating" || s.state?.waiting?.reason === "PodInitializing",
    )
  );
};

/**
 * A pod that has waited past the grace in ContainerCreating with a mount or sandbox failure in
 * its events will not start by waiting longer: the failure as its evidence, else undefined.
 * One events LIST per such pod; pods that are not stuck cost nothing.
 */
export async function stuckBeforeStart(
  cluster: Cluster,
  namespace: string,
  pods: Iterable<V1Pod>,
  now = Date.now(),
  graceMs = stuckGraceMs,
): Promise<{ pod: V1Pod; message: string } | undefined> {
  for (const pod of pods) {
    const created = Date.parse(String(pod.metadata?.creationTimestamp ?? ""));
    if (!waitingToStart(pod) || !(now - created > graceMs)) continue;
    const event = tellingEvent(pod, await podEvents(cluster, namespace, pod.metadata?.name ?? ""));
    if (event && ["FailedMount", "FailedAttachVolume", "FailedCreatePodSandBox"].includes(event.reason ?? ""))
      return {
        pod,
        message: `${pod.metadata?.name ?? "pod"}: stuck in ContainerCreating: ${event.reason}: ${(event.message ?? "").trim()}`,
      };
  }
  return undefined;
}
