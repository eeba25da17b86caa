import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
import { deploymentVerdict } from "../../checks/rollout/deployment.ts";
import { podFailure } from "../../checks/rollout/pod.ts";
import { failed, type Verdict } from "../../checks/rollout/verdict.ts";

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
  const finish = (verdict: Verdict): void => {
    if (settled) return;
    settled = true;
    controller.abort();
    settle(verdict);
  };
  const abort = (): void => finish(failed("interrupted"));
  options.signal?.addEventListener("abort", abort, { once: true });
  if (options.signal?.aborted) abort();
  const timer = setTimeout(() => {
    const state = deployment ? deploymentVerdict(deployment).message : "Deployment not seen";
    finish(
      failed(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s: ${state}${waitingReasons(pods.values())}`,
      ),
    );
  }, options.timeoutMs);

  const evaluate = (): void => {
    for (const pod of pods.values()) {
      const created = Date.parse(pod.metadata?.creationTimestamp as unknown as string);
      if (created + 2000 < options.since.getTime()) continue;
      if (
        options.version !== undefined &&
        pod.metadata?.labels?.["app.kubernetes.io/version"] !== options.version
      )
        continue;
      const failure = podFailure(pod);
      if (failure) return finish(failed(`pod failed: ${failure}`));
    }
    if (!deployment) return;
    const verdict = deploymentVerdict(deployment);
    options.onProgress?.({
      service: options.service,
      ready: deployment.status?.readyReplicas ?? 0,
      desired: deployment.spec?.replicas ?? 1,
      message: verdict.message,
    });
    if (verdict.done) finish(verdict);
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
  void cluster.follow(
    "Pod",
    options.namespace,
    selector,
    {
      listed: (items) => {
        pods.clear();
        for (const p of items) pods.set(p.metadata?.name ?? "", p as V1Pod);
        evaluate();
      },
      changed: (type, object) => {
        if (type === "DELETED") pods.delete(object.metadata?.name ?? "");
        else pods.set(object.metadata?.name ?? "", object as V1Pod);
        evaluate();
      },
    },
    controller.signal,
  );
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
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
