// bench/deploy: 100 generated services of five objects each on the local platform.
// (a) a no-op plan and (b) a no-op deploy, against `kubectl apply --server-side` of the same
// objects (kubectl built from the same Kubernetes version), wall time and API requests;
// (c) a full deploy from empty against the control plane's own time (apply all at once, wait
// for every Deployment Available). Baselines run in the same script: compare the ratios.
// Beside them, Helm (built from the Go module proxy, same workload: one chart per service of
// Slipway's rendered objects, `helm upgrade --install --wait`, `parallel` at a time): (b) against
// a no-op upgrade of all charts, (c) against a full install from empty.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pLimit from "p-limit";
import { ensureBinaries, ensureHelm } from "../platform/src/build/binaries.ts";
import { loadPlatform } from "../platform/src/connection.ts";
import { defaultLayout } from "../platform/src/layout.ts";
import { silentProgress, stderrProgress } from "../platform/src/progress.ts";
import { Cluster } from "../src/clients/kubernetes/cluster.ts";
import { loadProject } from "../src/definitions/load.ts";
import { servicesIn } from "../src/definitions/model.ts";
import { generatedProject } from "./support/generated-project.ts";
import { Deploy, type DeployOptions } from "../src/procedure/deploy.ts";
import { readLiveState } from "../src/plan/live-state.ts";
import { buildPlan } from "../src/plan/plan.ts";
import { renderEnvironment, renderServiceObjects } from "../src/render/render.ts";
import { toYaml } from "../src/render/serialize.ts";
import { ReleaseStore } from "../src/release/store.ts";

const count = Number(process.argv[2] ?? 100);
const parallel = Number(process.argv[3] ?? 4);
const platform = loadPlatform();
const kubectl = (await ensureBinaries(defaultLayout().cacheDir, silentProgress)).kubectl;
// Built on first use only (cold: minutes, with progress on stderr); warm: a file check.
const helm = await ensureHelm(defaultLayout().cacheDir, stderrProgress);
const suffix = Date.now().toString(36);
const namespace = `bench-${suffix}`;
const baselineNamespace = `bench-kubectl-${suffix}`;
const helmNamespace = `bench-helm-${suffix}`;
const helmDir = mkdtempSync(join(tmpdir(), "slipway-bench-helm-"));
const helmChildren = new Set<ChildProcess>();

const generated = generatedProject(
  count,
  `{ name: "bench", environments: [defineEnvironment({
  name: "bench", cluster: { context: "local", namespace: "${namespace}", flavour: "k3s" },
  registry: { host: "${platform.registry}", repositoryPrefix: "bench" }, defaults: { replicas: 1 } })] }`,
  (name) => `{ name: "${name}", version: "1.0.0", image: "${name}",
  deployment: { port: 8080, minReadySeconds: 0, env: { MODE: "bench" }, readiness: { http: { path: "/ready" } } },
  service: { port: 80 }, ingress: { host: "bench.example.org", path: "/${name}" },
  configMaps: { "${name}-config": { data: { "app.yaml": "name: ${name}" } } },
  networkPolicy: { allowFrom: ["svc-000"] } }`,
);
// Removed however the run ends, so a failed run leaves no namespaces behind.
process.once("exit", () => {
  for (const child of helmChildren) child.kill("SIGKILL");
  rmSync(helmDir, { recursive: true, force: true });
  for (const ns of [namespace, baselineNamespace, helmNamespace])
    spawnSync(
      kubectl,
      ["--kubeconfig", platform.kubeconfig, "--context", "local", "delete", "namespace", ns, "--wait=false"],
      { stdio: "ignore" },
    );
});

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
};

const [project, loadMs] = await time(() => loadProject(generated.config));
const env = project.environments[0]!;
const objects = renderEnvironment(project, env.name);
const baselineYaml = join(mkdtempSync(join(tmpdir(), "slipway-bench-")), "objects.yaml");
writeFileSync(
  baselineYaml,
  toYaml(objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: baselineNamespace } }))),
);
const kubectlRun = (args: string[]): { ms: number; requests: number } => {
  const t0 = performance.now();
  const r = spawnSync(kubectl, ["--kubeconfig", platform.kubeconfig, "--context", "local", "-v=6", ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
  const requests = (r.stderr.match(/"Response" verb="|\b(GET|PATCH|POST|PUT|DELETE) https:\/\//g) ?? [])
    .length;
  return { ms, requests };
};
execFileSync(
  kubectl,
  ["--kubeconfig", platform.kubeconfig, "--context", "local", "create", "namespace", baselineNamespace],
  { stdio: "ignore" },
);

// Helm: one chart per service, its templates Slipway's rendered objects (in Helm's namespace).
const charts = servicesIn(project, env.name, []).map((service) => {
  const name = service.spec.name;
  const dir = join(helmDir, "charts", name);
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(
    join(dir, "Chart.yaml"),
    `apiVersion: v2\nname: ${name}\nversion: ${service.spec.version}\ntype: application\n`,
  );
  const rendered = renderServiceObjects(project.name, env, service).map((o) => ({
    ...o,
    metadata: { ...o.metadata, namespace: helmNamespace },
  }));
  // Literal text for Go templates: a `{{` becomes an action printing "{{".
  writeFileSync(join(dir, "templates", "objects.yaml"), toYaml(rendered).replaceAll("{{", '{{ "{{" }}'));
  return { name, dir };
});
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(helmDir, "cache"),
  HELM_CONFIG_HOME: join(helmDir, "config"),
  HELM_DATA_HOME: join(helmDir, "data"),
};
const helmRun = (args: string[]): Promise<{ ms: number; requests: number }> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(
      helm,
      ["--kubeconfig", platform.kubeconfig, "--kube-context", "local", "-n", helmNamespace, "-v=6", ...args],
      { env: helmEnv, stdio: ["ignore", "ignore", "pipe"] },
    );
    helmChildren.add(child);
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      helmChildren.delete(child);
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`helm ${args.join(" ")} failed: ${stderr.slice(-2000)}`));
      const requests = (stderr.match(/"Response" verb="|\b(GET|PATCH|POST|PUT|DELETE) https:\/\//g) ?? [])
        .length;
      resolve({ ms, requests });
    });
  });
/** Every chart through `helm upgrade --install --wait`, `parallel` at a time: wall time, median release, total requests. */
const helmUpgradeAll = async (): Promise<{ ms: number; medianMs: number; requests: number }> => {
  const limit = pLimit(parallel);
  const [runs, ms] = await time(() =>
    Promise.all(
      charts.map((chart) =>
        limit(() =>
          helmRun([
            "upgrade",
            "--install",
            "--wait",
            "--timeout",
            "300s",
            "--create-namespace",
            chart.name,
            chart.dir,
          ]),
        ),
      ),
    ),
  );
  const each = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    ms,
    medianMs: each[Math.floor(each.length / 2)] ?? 0,
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
  };
};

const cluster = Cluster.open("local", platform.kubeconfig);
const options: DeployOptions = {
  only: [],
  dryRun: false,
  forceConflicts: false,
  rollback: true,
  timeoutMs: 300_000,
  parallel,
  waitForLock: false,
  deployedBy: "bench",
  commit: "bench",
};
const quiet = (): void => undefined;
const planNow = async () => {
  const [live, releases] = await Promise.all([
    readLiveState(cluster, namespace, project.name, env.name),
    new ReleaseStore(cluster, namespace).summaries(),
  ]);
  return buildPlan({ project, env, only: [], live, releases });
};

// (c) full deploy from empty
cluster.requests = 0;
const [, slipwayFullMs] = await time(async () => {
  const report = await new Deploy(cluster, quiet).run(project, env, await planNow(), options);
  if (!report.ok)
    throw new Error(
      `bench deploy failed: ${JSON.stringify(report.services.filter((s) => s.outcome !== "deployed"))}`,
    );
});
const slipwayFullRequests = cluster.requests;
const baselineApply = kubectlRun(["apply", "--server-side", "--field-manager", "bench", "-f", baselineYaml]);
const baselineWait = kubectlRun([
  "wait",
  "--for=condition=Available",
  "deployment",
  "--all",
  "-n",
  baselineNamespace,
  "--timeout=300s",
]);
const controlPlaneMs = baselineApply.ms + baselineWait.ms;
const helmFull = await helmUpgradeAll();

// (a) no-op plan and (b) no-op deploy, against a no-op kubectl apply
cluster.requests = 0;
const [noopPlan, planMs] = await time(planNow);
const planRequests = cluster.requests;
if (noopPlan.changed) {
  const changed = noopPlan.services.filter((s) => s.changed).slice(0, 3);
  throw new Error(
    `the no-op plan found changes: ${JSON.stringify(changed.map((s) => ({ s: s.service, o: s.objects.filter((o) => o.action !== "unchanged").map((o) => [o.kind, o.action, o.changes.slice(0, 3)]) })))}`,
  );
}
cluster.requests = 0;
const [, deployMs] = await time(async () =>
  new Deploy(cluster, quiet).run(project, env, await planNow(), options),
);
const deployRequests = cluster.requests;
const kubectlNoop = kubectlRun(["apply", "--server-side", "--field-manager", "bench", "-f", baselineYaml]);
const helmNoop = await helmUpgradeAll();

const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `services: ${count}, objects: ${objects.length}, kinds: ${new Set(objects.map((o) => o.kind)).size}, parallel: ${parallel}`,
);
console.log(`loading the definitions (tsx, ${count} files): ${f(loadMs)} (not in the figures below)`);
console.log(
  `(a) no-op plan:   slipway ${f(planMs)}, ${planRequests} requests | kubectl apply --server-side ${f(kubectlNoop.ms)}, ${kubectlNoop.requests} requests | time ratio ${(planMs / kubectlNoop.ms).toFixed(2)} (goal <= 0.33)`,
);
console.log(
  `(b) no-op deploy: slipway ${f(deployMs)}, ${deployRequests} requests | kubectl apply --server-side ${f(kubectlNoop.ms)}, ${kubectlNoop.requests} requests | time ratio ${(deployMs / kubectlNoop.ms).toFixed(2)} | helm upgrade --install --wait (no-op) ${f(helmNoop.ms)} (median release ${f(helmNoop.medianMs)}), ${helmNoop.requests} requests | ratio to helm ${(deployMs / helmNoop.ms).toFixed(2)} (goal <= 0.50)`,
);
console.log(
  `(c) full deploy from empty: slipway ${f(slipwayFullMs)} | control plane alone (kubectl apply all + wait Available) ${f(controlPlaneMs)} | ratio ${(slipwayFullMs / controlPlaneMs).toFixed(2)} (goal <= 1.10) | slipway ${slipwayFullRequests} requests, helm upgrade --install --wait ${f(helmFull.ms)} (median release ${f(helmFull.medianMs)}), ${helmFull.requests} requests | ratio to helm ${(slipwayFullMs / helmFull.ms).toFixed(2)} (goal <= 1.00)`,
);
