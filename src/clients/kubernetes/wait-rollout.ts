import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
import { onAbort } from "../../util/on-abort.ts";
import { followPods } from "./follow-pods.ts";
import { deploymentVerdict } from "../../checks/rollout/deployment.ts";
import { podFailure, podReady } from "../../checks/rollout/pod.ts";
import { failed, type Verdict } from "../../checks/rollout/verdict.ts";
import { evidenceSummary, tellingLogLine, type FailureEvidence } from "../../checks/rollout/evidence.ts";
import { gatherEvidence, stuckBeforeStart } from "./pod-evidence.ts";

export interface RolloutProgress {
  readonly service: string;
  readonly ready: number;
  readonly desired: number;
  readonly message: string;
}

export interface WaitOptions {
  readonly namespace: string;
  readonly service: string;
  readonly deployment: string;
  /** Pods created before this are the old version's: their failures are not this rollout's. */
  readonly since: Date;
  /** Only pods of this version (label app.kubernetes.io/version) are judged: the rest are the other side of the rollout. */
  readonly version?: string;
  readonly timeoutMs: number;
  readonly onProgress?: (progress: RolloutProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Waits for one Deployment's rollout by watching it and its pods (no polling): done when
 * the verdict says so, failed on a hopeless pod, the progress deadline, or the timeout.
 */
export async function waitForRollout(cluster: Cluster, options: WaitOptions): Promise<Verdict> {
  const selector = `app.kubernetes.io/name=${options.service}`;
  const controller = new AbortController();
  let deployment: V1Deployment | undefined;
  const pods = new Map<string, V1Pod>();
  let settle!: (v: Verdict) => void;
  const result = new Promise<Verdict>((resolve) => (settle = resolve));
  let settled = false;
  // Let go of when the wait ends: the deploy's signal outlives every service's wait on it.
  let stopListening = (): void => undefined;
  const finish = (verdict: Verdict): void => {
    if (settled) return;
    settled = true;
    stopListening();
    controller.abort();
    settle(verdict);
  };
  if (options.signal) stopListening = onAbort(options.signal, () => finish(failed("interrupted")));
  /** This rollout's pods: created since it began, of its version. */
  const ours = (): V1Pod[] =>
    [...pods.values()].filter((pod) => {
      const created = Date.parse(pod.metadata?.creationTimestamp as unknown as string);
      if (created + 2000 < options.since.getTime()) return false;
      return (
        options.version === undefined ||
        pod.metadata?.labels?.["app.kubernetes.io/version"] === options.version
      );
    });
  // A failure is said with its evidence: the pods' reasons and last log lines, read once.
  let concluding = false;
  /** `said`: the pod's failure as its status says it; else the first pod's evidence is the reason. */
  const conclude = (message: string, failing: readonly V1Pod[], said?: string): void => {
    if (settled || concluding) return;
    concluding = true;
    void gatherEvidence(cluster, options.namespace, failing)
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
  const notReady = (): V1Pod[] => ours().filter((p) => !podReady(p));
  const timer = setTimeout(() => {
    const state = deployment
      ? deploymentVerdict(deployment, { since: options.since }).message
      : "Deployment not seen";
    const waiting = notReady();
    if (!waiting.length) {
      finish(
        failed(
          `timed out after ${Math.round(options.timeoutMs / 1000)}s: ${state}${waitingReasons(pods.values())}`,
        ),
      );
      return;
    }
    conclude(`timed out after ${Math.round(options.timeoutMs / 1000)}s: ${state}`, waiting);
  }, options.timeoutMs);
  // Pods stuck before they start (a volume that never mounts) send no more changes: looked at on a timer.
  let looking = false;
  const stuckTimer = setInterval(() => {
    if (looking || settled || concluding) return;
    // A condition that fails only once old enough (pods not created) sends no change when it is.
    evaluate();
    looking = true;
    void stuckBeforeStart(cluster, options.namespace, ours())
      .then((stuck) => {
        if (stuck) conclude("pod failed", [stuck.pod], stuck.message);
      })
      .catch(() => undefined)
      .finally(() => (looking = false));
  }, 5000);

  const evaluate = (): void => {
    if (concluding) return;
    for (const pod of ours()) {
      const failure = podFailure(pod);
      if (failure)
        return conclude("pod failed", [pod, ...ours().filter((p) => p !== pod && podFailure(p))], failure);
    }
    if (!deployment) return;
    const verdict = deploymentVerdict(deployment, { since: options.since });
    options.onProgress?.({
      service: options.service,
      ready: deployment.status?.readyReplicas ?? 0,
      desired: deployment.spec?.replicas ?? 1,
      message: verdict.message,
    });
    if (verdict.done && !verdict.successful) conclude(verdict.message, notReady());
    else if (verdict.done) finish(verdict);
  };

  void cluster.follow(
    "Deployment",
    options.namespace,
    selector,
    {
      listed: (items) => {
        deployment = items.find((d) => d.metadata?.name === options.deployment) as V1Deployment | undefined;
        evaluate();
      },
      changed: (type, object) => {
        if (object.metadata?.name !== options.deployment) return;
        deployment = type === "DELETED" ? undefined : (object as V1Deployment);
        evaluate();
      },
      // Said while it lasts: an API server that went away is waited for until the timeout.
      unreachable: (error) =>
        options.onProgress?.({
          service: options.service,
          ready: deployment?.status?.readyReplicas ?? 0,
          desired: deployment?.spec?.replicas ?? 1,
          message: `the API server does not answer (${error.message}); watching again until it does or --timeout`,
        }),
    },
    controller.signal,
  );
  followPods(cluster, options.namespace, selector, pods, evaluate, controller.signal);
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    clearInterval(stuckTimer);
    stopListening();
    controller.abort();
  }
}

/** Why pods are not ready yet (unschedulable, pulling, ...), for a timeout message. */
function waitingReasons(pods: Iterable<V1Pod>): string {
  const reasons = new Set<string>();
  for (const pod of pods) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (scheduled?.status === "False")
      reasons.add(`${pod.metadata?.name}: not scheduled: ${scheduled.message ?? scheduled.reason ?? ""}`);
    for (const c of pod.status?.containerStatuses ?? [])
      if (c.state?.waiting?.reason) reasons.add(`${pod.metadata?.name}: ${c.state.waiting.reason}`);
  }
  return reasons.size ? `; ${[...reasons].slice(0, 3).join("; ")}` : "";
}
