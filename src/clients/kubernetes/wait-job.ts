import type { KubernetesObject, V1Job } from "@kubernetes/client-node";
import type { Cluster } from "./cluster.ts";
import { jobVerdict } from "../../checks/rollout/job.ts";
import { failed, type Verdict } from "../../checks/rollout/verdict.ts";

/** Watches one Job until it completes or fails (or the timeout), reporting each change. */
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
  return new Promise<Verdict>((resolve) => {
    let settled = false;
    const finish = (verdict: Verdict): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller.abort();
      resolve(verdict);
    };
    const timer = setTimeout(
      () => finish(failed(`timed out after ${Math.round(options.timeoutMs / 1000)}s`)),
      options.timeoutMs,
    );
    options.signal?.addEventListener("abort", () => finish(failed("interrupted")), { once: true });
    const judge = (job: V1Job): void => {
      const verdict = jobVerdict(job);
      options.onProgress?.(verdict.message);
      if (verdict.done) finish(verdict);
    };
    const mine = (object: KubernetesObject): void => {
      if (object.metadata?.name === options.name) judge(object as V1Job);
    };
    void cluster.follow(
      "Job",
      options.namespace,
      options.selector,
      { listed: (items) => items.forEach(mine), changed: (_type, object) => mine(object) },
      controller.signal,
    );
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
