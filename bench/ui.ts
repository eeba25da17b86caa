// bench/ui: the dashboard's matrix with 100 services in 3 environments on the local platform.
// The project is generated; its Deployments (scaled to 0: no pods needed) and deployed release
// records are written directly (ReleaseStore), so no real deploy runs. The dashboard starts
// in-process on a free port; the matrix page is loaded N times. Printed: the median load time,
// the Kubernetes API requests the dashboard made (its start, then its page loads), against the
// baseline of `slipway status` for the same 3 environments, as ratios.
import { performance } from "node:perf_hooks";
import type { KubernetesObject } from "@kubernetes/client-node";
import { loadPlatform } from "../platform/src/connection.ts";
import { Cluster } from "../src/clients/kubernetes/cluster.ts";
import { run } from "../src/cli/run.ts";
import { loadProject } from "../src/definitions/load.ts";
import { servicesIn } from "../src/definitions/model.ts";
import { hashObjects } from "../src/release/hash.ts";
import { ReleaseStore } from "../src/release/store.ts";
import { renderServiceObjects } from "../src/render/render.ts";
import { PlatformCache } from "../src/status/platform-cache.ts";
import { newCsrfToken } from "../src/ui/security.ts";
import { startDashboard } from "../src/ui/server.ts";
import { captureOutput } from "../test/support/output.ts";
import { generatedProject } from "./support/generated-project.ts";

const count = Number(process.argv[2] ?? 100);
const loads = Number(process.argv[3] ?? 20);
const platform = loadPlatform();
const suffix = Date.now().toString(36);
const envNames = ["dev", "staging", "prod"] as const;
const namespaceOf = (env: string): string => `bench-ui-${suffix}-${env}`;

const environments = envNames
  .map(
    (name, i) => `defineEnvironment({
  name: "${name}", cluster: { context: "local", namespace: "${namespaceOf(name)}", flavour: "k3s" },
  registry: { host: "${platform.registry}", repositoryPrefix: "bench" }, defaults: { replicas: 1 }${
    i > 0 ? `, promotion: { from: "${envNames[i - 1]}" }` : ""
  } })`,
  )
  .join(", ");
const generated = generatedProject(
  count,
  `{ name: "bench-ui", environments: [${environments}] }`,
  (name) => `{ name: "${name}", version: "1.0.0", image: "${name}", deployment: { port: 8080 } }`,
);

const cluster = Cluster.open("local", platform.kubeconfig);
// Removed at the end, on a failure, and on Ctrl-C (an "exit" handler could not wait for them).
const removeNamespaces = (): Promise<unknown> =>
  Promise.all(
    envNames.map((env) => cluster.delete("Namespace", namespaceOf(env), "").catch(() => undefined)),
  );
process.once("SIGINT", () => void removeNamespaces().finally(() => process.exit(130)));

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

let figures: () => void;
try {
  // The platform as a deploy would leave it: per environment and service a Deployment (0
  // replicas) and a deployed release record. Written directly; no request of these is counted.
  const project = await loadProject(generated.config);
  for (const env of project.environments) {
    const namespace = env.cluster.namespace;
    await cluster.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    const store = new ReleaseStore(cluster, namespace);
    const services = servicesIn(project, env.name, []);
    for (let i = 0; i < services.length; i += 10)
      await Promise.all(
        services.slice(i, i + 10).map(async (service) => {
          const objects = renderServiceObjects(project.name, env, service);
          const deployment = objects.find((o) => o.kind === "Deployment") as KubernetesObject & {
            spec: { replicas?: number };
          };
          const scaledToZero = { ...deployment, spec: { ...deployment.spec, replicas: 0 } };
          await cluster.apply(scaledToZero as KubernetesObject, { force: true });
          const now = new Date().toISOString();
          await store.create({
            service: service.spec.name,
            environment: env.name,
            revision: 1,
            version: service.spec.version,
            digests: {},
            status: "deployed",
            objects,
            objectsHash: hashObjects(objects),
            calls: [],
            checks: [],
            steps: [],
            deployedBy: "bench",
            commit: "bench",
            startedAt: now,
            finishedAt: now,
            description: "deploy 1.0.0 (bench)",
          });
        }),
      );
  }

  // The dashboard: one Cluster client (the three environments share the context), its requests counted.
  const dashboardCluster = Cluster.open("local", platform.kubeconfig);
  const cache = new PlatformCache(project, project.environments, () => dashboardCluster);
  const t0 = performance.now();
  const dashboard = await startDashboard({
    project,
    environments: project.environments,
    cache,
    clusterFor: () => dashboardCluster,
    searchFor: () => undefined,
    readOnly: true,
    csrf: newCsrfToken(),
    address: "127.0.0.1",
    port: 0,
  });
  const startMs = performance.now() - t0;
  const startRequests = dashboardCluster.requests;
  const loadOnce = async (): Promise<number> => {
    const t = performance.now();
    const response = await fetch(`${dashboard.url}/`);
    const text = await response.text();
    const ms = performance.now() - t;
    const rows = text.match(/<tr data-service=/g)?.length ?? 0;
    if (response.status !== 200 || rows !== count)
      throw new Error(`the matrix answered ${response.status} with ${rows} of ${count} services`);
    return ms;
  };
  await loadOnce(); // warm
  const times: number[] = [];
  for (let i = 0; i < loads; i++) times.push(await loadOnce());
  const loadMs = median(times);
  const loadRequests = dashboardCluster.requests - startRequests;
  await dashboard.close();

  // Baseline: `slipway status` for the same three environments, in-process, its requests counted
  // on every Cluster it opens.
  let statusRequests = 0;
  const request = Cluster.prototype.request;
  Cluster.prototype.request = function counted<T>(this: Cluster, ...args: Parameters<Cluster["request"]>) {
    statusRequests++;
    return request.apply(this, args) as Promise<T>;
  };
  const statusOnce = async (): Promise<number> => {
    const t = performance.now();
    for (const env of envNames) {
      const out = captureOutput();
      const code = await run(
        ["status", "-e", env, "-o", "json", "-c", generated.config, "--kubeconfig", platform.kubeconfig],
        out,
      );
      if (code !== 0) throw new Error(`slipway status -e ${env} exited ${code}: ${out.stderr}`);
    }
    return performance.now() - t;
  };
  await statusOnce();
  // Measured while the dashboard still holds its cache, before the baseline runs.
  global.gc?.();
  const memory = process.memoryUsage();
  statusRequests = 0;
  const statusTimes: number[] = [];
  for (let i = 0; i < loads; i++) statusTimes.push(await statusOnce());
  const statusMs = median(statusTimes);
  const statusPerRound = statusRequests / loads;
  Cluster.prototype.request = request;

  figures = () => {
    const ratio = (ms: number): string => `${(ms / statusMs).toPrecision(2)}×`;
    console.log(`${count} services × ${envNames.length} environments; median of ${loads} loads each`);
    console.log(
      `dashboard start (first LIST of ${startRequests / 2} kinds×environments, watches open): ${startMs.toFixed(0)} ms, ${startRequests} requests`,
    );
    console.log(
      `matrix page load:                 ${loadMs.toFixed(1).padStart(7)} ms  ${ratio(loadMs)} baseline   ${loadRequests} API requests over ${loads + 1} loads`,
    );
    console.log(
      `baseline: slipway status ×3 envs: ${statusMs.toFixed(1).padStart(7)} ms  1.00×            ${statusPerRound} API requests per round`,
    );
    console.log(
      `API requests per page view: dashboard ${(loadRequests / (loads + 1)).toFixed(2)}, status ${statusPerRound}; the dashboard's ${startRequests} at start grow with kinds × environments, not services`,
    );
    console.log(
      `memory of the process serving the dashboard (its watches' cache of ${count} services × ${envNames.length} environments): ${(memory.rss / 2 ** 20).toFixed(0)} MB resident, ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB heap`,
    );
  };
} finally {
  await removeNamespaces();
}
figures();
process.exit(0);
