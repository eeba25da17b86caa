import type { KubernetesObject, V1Job, V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
import { followPods } from "./follow-pods.ts";
import { onAbort } from "../../util/on-abort.ts";
import { jobVerdict } from "../../checks/rollout/job.ts";
import { failed, type Verdict } from "../../checks/rollout/verdict.ts";
import { evidenceSummary, tellingLogLine, type FailureEvidence } from "../../checks/rollout/evidence.ts";
import { gatherEvidence, stuckBeforeStart } from "./pod-evidence.ts";

/** Job pods' waiting states that will not recover by waiting: the Job fails at once with it. */
const hopelessJobPod = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "CreateContainerConfigError",
  "InvalidImageName",
  "CreateContainerError",
]);

/** A Job pod that cannot start: its container's waiting reason and message. */
export function jobPodFailure(pod: V1Pod): string | undefined {
  for (const status of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && hopelessJobPod.has(waiting.reason))
      return `${pod.metadata?.name ?? "pod"}: container ${status.name} ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
  }
  return undefined;
}

/** The pods whose evidence tells why a Job failed: failed or stuck ones first, newest first. */
const tellingPods = (pods: readonly V1Pod[]): V1Pod[] => {
  const created = (p: V1Pod): number => Date.parse(String(p.metadata?.creationTimestamp ?? 0));
  const bad = (p: V1Pod): number => (p.status?.phase === "Failed" || jobPodFailure(p) ? 0 : 1);
  return [...pods].sort((a, b) => bad(a) - bad(b) || created(b) - created(a));
};

/**
 * Watches one Job and its pods until it completes or fails (or the timeout), reporting each
 * change. A pod that cannot start (its image does not pull, a volume does not mount) fails it at
 * once, with the reason, instead of waiting out the timeout. A failure carries its evidence: the
 * pods' reasons and last log lines.
 */
export async function waitForJob(
  cluster: Cluster,
  options: {
    namespace: string;
    name: string;
    selector: string;
    timeoutMs: number;
    onProgress?: (message: string) => void;
    signal?: AbortSignal;
  },
): Promise<Verdict> {
  const controller = new AbortController();
  const pods = new Map<string, V1Pod>();
  return new Promise<Verdict>((resolve) => {
    let settled = false;
    let concluding = false;
    // Let go of when the wait ends: the deploy's signal outlives every Job's wait on it.
    let stopListening = (): void => undefined;
    const finish = (verdict: Verdict): void => {
      if (settled) return;
      settled = true;
      stopListening();
      clearTimeout(timer);
      clearInterval(stuckTimer);
      controller.abort();
      resolve(verdict);
    };
    /** A failure, said with its pods' evidence (read once); `said` is its reason when known. */
    const conclude = (message: string, said?: string): void => {
      if (settled || concluding) return;
      concluding = true;
      const failing = tellingPods([...pods.values()]);
      void gatherEvidence(cluster, options.namespace, failing.slice(0, 1))
        .catch((): FailureEvidence[] => [])
        .then((evidence) => {
          const first = evidence[0];
          const line = tellingLogLine(first?.logs);
          const text = said
            ? `${message}: ${said}${line ? `; ${line}` : ""}`
            : first
              ? `${message}: ${evidenceSummary(first)}`
              : message;
          finish({ ...failed(text), ...(evidence.length ? { evidence } : {}) });
        });
    };
    const timer = setTimeout(
      () => conclude(`timed out after ${Math.round(options.timeoutMs / 1000)}s`),
      options.timeoutMs,
    );
    let looking = false;
    const stuckTimer = setInterval(() => {
      if (looking || settled || concluding) return;
      looking = true;
      void stuckBeforeStart(cluster, options.namespace, pods.values())
        .then((stuck) => {
          if (stuck) conclude("failed: its pod cannot start", stuck.message);
        })
        .catch(() => undefined)
        .finally(() => (looking = false));
    }, 5000);
    const judge = (job: V1Job): void => {
      if (concluding) return;
      const verdict = jobVerdict(job);
      options.onProgress?.(verdict.message);
      if (verdict.done && !verdict.successful) conclude(verdict.message);
      else if (verdict.done) finish(verdict);
    };
    const mine = (object: KubernetesObject): void => {
      if (object.metadata?.name === options.name) judge(object as V1Job);
    };
    const judgePods = (): void => {
      if (concluding) return;
      for (const pod of pods.values()) {
        const failure = jobPodFailure(pod);
        if (failure) return conclude("failed: its pod cannot start", failure);
      }
    };
    // Last: an aborted signal finishes at once, and finish clears the timers above.
    if (options.signal) stopListening = onAbort(options.signal, () => finish(failed("interrupted")));
    void cluster.follow(
      "Job",
      options.namespace,
      options.selector,
      { listed: (items) => items.forEach(mine), changed: (_type, object) => mine(object) },
      controller.signal,
    );
    followPods(cluster, options.namespace, `job-name=${options.name}`, pods, judgePods, controller.signal);
  });
}

/** The logs of a Job's pods, where the cluster serves them. */
export async function jobLogs(cluster: Cluster, namespace: string, jobName: string): Promise<string> {
  const pods = await cluster.list("Pod", namespace, `job-name=${jobName}`);
  const parts: string[] = [];
  for (const pod of pods.items) {
    const name = pod.metadata?.name ?? "";
    const log = await cluster
      .request<string>({
        method: "GET",
        path: `/api/v1/namespaces/${namespace}/pods/${name}/log`,
        headers: { accept: "text/plain" },
      })
      .catch((e: Error) => `(the cluster serves no logs for ${name}: ${e.message})`);
    parts.push(`--- ${name}\n${typeof log === "string" ? log : JSON.stringify(log)}`);
  }
  return parts.join("\n");
}

export interface JobRun extends Verdict {
  readonly name: string;
  /** Its pods' logs, for the person deploying: a hook's logs must reach them. */
  readonly logs: string;
}

/**
 * Creates a Job unless it exists (a resumed deploy finds its own Job again by name), waits
 * for it to finish, and reads its pods' logs.
 */
export async function runJob(
  cluster: Cluster,
  job: V1Job,
  options: { timeoutMs: number; onProgress?: (message: string) => void; signal?: AbortSignal },
): Promise<JobRun> {
  const name = job.metadata?.name ?? "";
  const namespace = job.metadata?.namespace ?? "default";
  if (!(await cluster.get("Job", name, namespace))) await cluster.create(job);
  const verdict = await waitForJob(cluster, {
    namespace,
    name,
    // Jobs carry their service's labels; the watch then picks this one by name.
    selector: `app.kubernetes.io/name=${job.metadata?.labels?.["app.kubernetes.io/name"] ?? ""}`,
    timeoutMs: options.timeoutMs,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const logs = await jobLogs(cluster, namespace, name).catch((e: Error) => `(no logs: ${e.message})`);
  return { ...verdict, name, logs };
}
