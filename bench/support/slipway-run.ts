// One Slipway plan or deploy of a generated project, in a process of its own so that its peak
// memory is Slipway's alone: `tsx bench/support/slipway-run.ts plan|deploy CONFIG KUBECONFIG PARALLEL`.
// Prints one JSON line (SlipwayRun). The plan is made as the deploy bench always made it: one LIST
// per kind and one of the release records, no gate (the generated images do not exist).
import { performance } from "node:perf_hooks";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { Deploy } from "../../src/procedure/deploy.ts";
import { readLiveState } from "../../src/plan/live-state.ts";
import { buildPlan, type Plan } from "../../src/plan/plan.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { countsByKey, requestKey } from "./request-key.ts";

export interface SlipwayRun {
  /** Loading the definitions, before the figures below. */
  readonly loadMs: number;
  /** The plan, or the plan and the deploy. */
  readonly ms: number;
  readonly requests: number;
  readonly byRequest: Readonly<Record<string, number>>;
  /** Milliseconds spent waiting for each kind of request (summed over requests in flight together). */
  readonly msByRequest: Readonly<Record<string, number>>;
  /** Peak resident memory of this process, in bytes, loading included. */
  readonly maxRssBytes: number;
  /** Whether the plan found anything to change. */
  readonly changed: boolean;
  /** A few of the changes, when it did (a no-op that is not one is a bench error). */
  readonly sample?: unknown;
}

const [mode, config, kubeconfig, parallelArg] = process.argv.slice(2);
if ((mode !== "plan" && mode !== "deploy") || !config || !kubeconfig)
  throw new Error("usage: slipway-run.ts plan|deploy CONFIG KUBECONFIG [PARALLEL]");

const t0 = performance.now();
const project = await loadProject(config);
const loadMs = performance.now() - t0;
const env = project.environments[0]!;
const namespace = env.cluster.namespace;
const cluster = Cluster.open(env.cluster.context, kubeconfig);

const keys: string[] = [];
/** Time spent waiting for answers, by request kind: which requests got slower as the namespace grew. */
const waited = new Map<string, number>();
const request = cluster.request.bind(cluster);
cluster.request = async <T>(req: Parameters<Cluster["request"]>[0]): Promise<T> => {
  const key = requestKey(req.method, req.path, new URLSearchParams(req.query ?? {}));
  keys.push(key);
  const t = performance.now();
  try {
    return await request<T>(req);
  } finally {
    waited.set(key, (waited.get(key) ?? 0) + performance.now() - t);
  }
};
const watch = cluster.watch.bind(cluster);
cluster.watch = (kind, ...rest) => {
  keys.push(`WATCH ${kind}`);
  return watch(kind, ...rest);
};

const planNow = async (): Promise<Plan> => {
  const [live, releases] = await Promise.all([
    readLiveState(cluster, namespace, project.name, env.name),
    new ReleaseStore(cluster, namespace).summaries(),
  ]);
  return buildPlan({ project, env, only: [], live, releases });
};

const started = performance.now();
const plan = await planNow();
if (mode === "deploy") {
  const report = await new Deploy(cluster, () => undefined).run(project, env, plan, {
    only: [],
    dryRun: false,
    forceConflicts: false,
    rollback: true,
    timeoutMs: 600_000,
    parallel: Number(parallelArg ?? 4),
    waitForLock: false,
    deployedBy: "bench",
    commit: "bench",
  });
  if (!report.ok)
    throw new Error(
      `bench deploy failed: ${JSON.stringify(report.services.filter((s) => s.outcome !== "deployed").slice(0, 5))}`,
    );
}
const ms = performance.now() - started;

const changedServices = plan.services.filter((s) => s.changed).slice(0, 3);
const result: SlipwayRun = {
  loadMs,
  ms,
  requests: cluster.requests,
  byRequest: countsByKey(keys),
  msByRequest: Object.fromEntries(
    [...waited].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]),
  ),
  // resourceUsage's maxRSS is in kilobytes.
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  changed: plan.changed,
  ...(plan.changed
    ? {
        sample: changedServices.map((s) => ({
          service: s.service,
          recorded: s.recorded,
          objects: s.objects
            .filter((o) => o.action !== "unchanged")
            .map((o) => [o.kind, o.action, o.changes.slice(0, 3)]),
        })),
      }
    : {}),
};
console.log(JSON.stringify(result));
