// The anchors of the deploy bench, each on the same rendered objects in a namespace of its own:
// `kubectl apply --server-side` (and the control plane's floor: apply all, wait until every
// Deployment is Available), Helm 3 (one chart per service, `upgrade --install --wait`, `parallel`
// at a time) and kapp (one app of every object, `kapp deploy`, which waits by itself).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { KubernetesObject } from "@kubernetes/client-node";
import pLimit from "p-limit";
import { toYaml } from "../../src/render/serialize.ts";
import type { CountingProxy } from "./counting-proxy.ts";
import { countsByKey } from "./request-key.ts";
import { loggedRequests, timedRun } from "./timed-process.ts";

/** One measured run of a tool: wall time, API requests (by what they do), peak memory of a process. */
export interface ToolFigure {
  readonly ms: number;
  readonly requests: number;
  readonly byRequest: Readonly<Record<string, number>>;
  /** The largest peak of its processes (Helm runs one per release). */
  readonly maxRssBytes: number;
  /** Helm: the median release's wall time. */
  readonly medianMs?: number;
}

export interface Connection {
  readonly kubeconfig: string;
  readonly context: string;
}

const inNamespace = (objects: readonly KubernetesObject[], namespace: string): KubernetesObject[] =>
  objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));

/** `kubectl`, logging its requests at -v=6 so they can be counted. */
export class Kubectl {
  constructor(
    private readonly binary: string,
    private readonly at: Connection,
  ) {}

  async run(args: readonly string[]): Promise<ToolFigure> {
    const r = await timedRun(this.binary, [
      "--kubeconfig",
      this.at.kubeconfig,
      "--context",
      this.at.context,
      "-v=6",
      ...args,
    ]);
    return { ms: r.ms, maxRssBytes: r.maxRssBytes, ...loggedRequests(r.stderr) };
  }

  /** Writes the objects into `namespace` as one file, for `apply -f`. */
  static manifest(dir: string, objects: readonly KubernetesObject[], namespace: string): string {
    const file = join(dir, "objects.yaml");
    writeFileSync(file, toYaml(inNamespace(objects, namespace)));
    return file;
  }

  apply(file: string): Promise<ToolFigure> {
    return this.run(["apply", "--server-side", "--field-manager", "bench", "-f", file]);
  }

  /** The control plane alone: apply every object at once, then wait until every Deployment is Available. */
  async floor(file: string, namespace: string): Promise<ToolFigure> {
    const apply = await this.apply(file);
    const wait = await this.run([
      "wait",
      "--for=condition=Available",
      "deployment",
      "--all",
      "-n",
      namespace,
      "--timeout=900s",
    ]);
    return sum([apply, wait]);
  }
}

/** Helm 3: one chart per service holding that service's rendered objects. */
export class Helm {
  private readonly charts: { readonly name: string; readonly dir: string }[] = [];

  constructor(
    private readonly binary: string,
    private readonly at: Connection,
    private readonly home: string,
    private readonly namespace: string,
    private readonly parallel: number,
  ) {}

  addChart(name: string, version: string, objects: readonly KubernetesObject[]): void {
    const dir = join(this.home, "charts", name);
    mkdirSync(join(dir, "templates"), { recursive: true });
    writeFileSync(
      join(dir, "Chart.yaml"),
      `apiVersion: v2\nname: ${name}\nversion: ${version}\ntype: application\n`,
    );
    // Literal text for Go templates: a `{{` becomes an action printing "{{".
    writeFileSync(
      join(dir, "templates", "objects.yaml"),
      toYaml(inNamespace(objects, this.namespace)).replaceAll("{{", '{{ "{{" }}'),
    );
    this.charts.push({ name, dir });
  }

  /** Every chart through `helm upgrade --install --wait`, `parallel` at a time. */
  async upgradeAll(): Promise<ToolFigure> {
    const env = {
      ...process.env,
      HELM_CACHE_HOME: join(this.home, "cache"),
      HELM_CONFIG_HOME: join(this.home, "config"),
      HELM_DATA_HOME: join(this.home, "data"),
    };
    const limit = pLimit(this.parallel);
    const t0 = performance.now();
    const runs = await Promise.all(
      this.charts.map((chart) =>
        limit(async () => {
          const r = await timedRun(
            this.binary,
            [
              "--kubeconfig",
              this.at.kubeconfig,
              "--kube-context",
              this.at.context,
              "-n",
              this.namespace,
              "-v=6",
              "upgrade",
              "--install",
              "--wait",
              "--timeout",
              "600s",
              "--create-namespace",
              chart.name,
              chart.dir,
            ],
            { env },
          );
          return { ms: r.ms, maxRssBytes: r.maxRssBytes, ...loggedRequests(r.stderr) };
        }),
      ),
    );
    const each = runs.map((r) => r.ms).sort((a, b) => a - b);
    return { ...sum(runs), ms: performance.now() - t0, medianMs: each[Math.floor(each.length / 2)] ?? 0 };
  }
}

/** kapp: every object as one app, its requests counted by a proxy (kapp does not log them). */
export class Kapp {
  private readonly file: string;
  private readonly kubeconfig: string;

  constructor(
    private readonly binary: string,
    private readonly proxy: CountingProxy,
    dir: string,
    private readonly namespace: string,
    objects: readonly KubernetesObject[],
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "objects.yaml");
    writeFileSync(this.file, toYaml(inNamespace(objects, namespace)));
    this.kubeconfig = join(dir, "kubeconfig");
    writeFileSync(this.kubeconfig, proxy.kubeconfig);
  }

  /** `kapp deploy` of the app; with `diffOnly`, `--diff-run`: the diff alone, kapp's own plan. */
  async deploy(diffOnly = false): Promise<ToolFigure> {
    this.proxy.take();
    const r = await timedRun(this.binary, [
      "deploy",
      "-a",
      "bench",
      "-n",
      this.namespace,
      "-f",
      this.file,
      "--yes",
      "--color=false",
      "--kubeconfig",
      this.kubeconfig,
      "--kubeconfig-context",
      "bench",
      "--wait-timeout",
      "900s",
      ...(diffOnly ? ["--diff-run"] : []),
    ]);
    const keys = this.proxy.take();
    return { ms: r.ms, maxRssBytes: r.maxRssBytes, requests: keys.length, byRequest: countsByKey(keys) };
  }
}

/** Runs one after another as one figure: times and requests add up, memory is the larger peak. */
export function sum(runs: readonly ToolFigure[]): ToolFigure {
  const byRequest: Record<string, number> = {};
  for (const r of runs)
    for (const [k, n] of Object.entries(r.byRequest)) byRequest[k] = (byRequest[k] ?? 0) + n;
  return {
    ms: runs.reduce((s, r) => s + r.ms, 0),
    requests: runs.reduce((s, r) => s + r.requests, 0),
    byRequest: Object.fromEntries(Object.entries(byRequest).sort((a, b) => b[1] - a[1])),
    maxRssBytes: Math.max(0, ...runs.map((r) => r.maxRssBytes)),
  };
}
