import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { environmentLabel } from "../render/labels.ts";
import type { FleetBakeResult } from "./events.ts";

/** One cluster being baked: where its environment's Deployments are. */
export interface BakedCluster {
  readonly name: string;
  readonly cluster: Cluster;
  readonly namespace: string;
  readonly environment: string;
}

interface Sample {
  /** Deployment → "available/desired" when short of its replicas. */
  readonly short: ReadonlyMap<string, string>;
  /** Container restarts of the environment's pods, summed per Deployment-owned app. */
  readonly restarts: ReadonlyMap<string, number>;
}

interface DeploymentLike {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly availableReplicas?: number };
}
interface PodLike {
  readonly metadata?: { readonly labels?: Record<string, string> };
  readonly status?: { readonly containerStatuses?: readonly { readonly restartCount?: number }[] };
}

async function sample(target: BakedCluster, signal?: AbortSignal): Promise<Sample> {
  const selector = `${environmentLabel}=${target.environment}`;
  const [deployments, pods] = await Promise.all([
    target.cluster.list("Deployment", target.namespace, selector, signal),
    target.cluster.list("Pod", target.namespace, selector, signal),
  ]);
  const short = new Map<string, string>();
  for (const d of deployments.items as DeploymentLike[]) {
    const desired = d.spec?.replicas ?? 1;
    const available = d.status?.availableReplicas ?? 0;
    if (available < desired) short.set(d.metadata?.name ?? "?", `${available}/${desired} available`);
  }
  const restarts = new Map<string, number>();
  for (const p of pods.items as PodLike[]) {
    const app = p.metadata?.labels?.["app.kubernetes.io/name"] ?? "?";
    const count = (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    restarts.set(app, (restarts.get(app) ?? 0) + count);
  }
  return { short, restarts };
}

/**
 * Watches a wave's clusters for `ms` after their deploy: every `everyMs`, each cluster's
 * Deployments of the environment and their pods. A cluster is unhealthy when a Deployment is
 * short of its replicas in two samples in a row (one short sample is a pod being replaced), or
 * when its pods restart during the bake. An unreachable cluster counts once it fails twice in a row.
 */
export async function bakeWave(
  clusters: readonly BakedCluster[],
  ms: number,
  options: { readonly everyMs?: number; readonly signal?: AbortSignal } = {},
): Promise<FleetBakeResult> {
  const everyMs = options.everyMs ?? 5_000;
  const ends = Date.now() + ms;
  const unhealthy = new Map<string, Set<string>>();
  const note = (cluster: string, problem: string): void => {
    const set = unhealthy.get(cluster) ?? new Set<string>();
    set.add(problem);
    unhealthy.set(cluster, set);
  };
  const first = new Map<string, Sample>();
  const previous = new Map<string, Sample | "unreachable">();
  for (;;) {
    await Promise.all(
      clusters.map(async (target) => {
        let now: Sample;
        try {
          now = await sample(target, options.signal);
        } catch (error) {
          if (previous.get(target.name) === "unreachable")
            note(target.name, `unreachable: ${(error as Error).message.split("\n")[0]}`);
          previous.set(target.name, "unreachable");
          return;
        }
        const before = previous.get(target.name);
        if (before && before !== "unreachable")
          for (const [deployment, detail] of now.short)
            if (before.short.has(deployment)) note(target.name, `${deployment}: ${detail}`);
        const start = first.get(target.name);
        if (!start) first.set(target.name, now);
        else
          for (const [app, count] of now.restarts) {
            const was = start.restarts.get(app) ?? 0;
            if (count > was) note(target.name, `${app}: ${count - was} container restart(s) during the bake`);
          }
        previous.set(target.name, now);
      }),
    );
    const left = ends - Date.now();
    if (left <= 0 || options.signal?.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, left)));
  }
  return {
    ms,
    unhealthy: Object.fromEntries([...unhealthy].map(([cluster, problems]) => [cluster, [...problems]])),
  };
}
