// bench/deploy: the cost curve. At each size (default 100, 300 and 1,000 generated services of
// five objects each) on the simulated nodes of the local platform's first plane (context
// `local`): Slipway's no-op plan, full deploy from empty and no-op deploy, each in a process of
// its own (so its peak memory is Slipway's), beside the same objects through the anchors: the
// control plane's own floor (kubectl apply all at once, wait until every Deployment is
// Available), `kubectl apply --server-side`, Helm 3 and kapp. Prints a table per size and how
// each cost grows, and writes docs/bench/deploy-curve.{json,svg}.
//
//   npm run bench:deploy -- [--sizes 100,300,1000] [--tools slipway,kubectl,helm,kapp]
//                           [--helm-max 300] [--parallel 4] [--out docs/bench] [--replot]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureBinaries, ensureHelm, ensureKapp } from "../platform/src/build/binaries.ts";
import { loadPlatform } from "../platform/src/connection.ts";
import { defaultLayout } from "../platform/src/layout.ts";
import { silentProgress, stderrProgress } from "../platform/src/progress.ts";
import { versions } from "../platform/src/versions.ts";
import { loadProject } from "../src/definitions/load.ts";
import { servicesIn } from "../src/definitions/model.ts";
import { renderEnvironment, renderServiceObjects } from "../src/render/render.ts";
import { startCountingProxy } from "./support/counting-proxy.ts";
import { Helm, Kapp, Kubectl, type Connection } from "./support/deploy-anchors.ts";
import { curveReport, type SizeResult } from "./support/curve-report.ts";
import { generatedProject } from "./support/generated-project.ts";
import { running, timedRun } from "./support/timed-process.ts";
import type { SlipwayRun } from "./support/slipway-run.ts";

const tools = ["slipway", "kubectl", "helm", "kapp"] as const;
type Tool = (typeof tools)[number];
const usage = (message: string): never => {
  console.error(`bench:deploy: ${message}`);
  process.exit(2);
};
const flags = (() => {
  try {
    return parseArgs({
      options: {
        sizes: { type: "string", default: "100,300,1000" },
        tools: { type: "string", default: tools.join(",") },
        "helm-max": { type: "string", default: "300" },
        parallel: { type: "string", default: "4" },
        out: { type: "string", default: "docs/bench" },
        replot: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    return usage((error as Error).message);
  }
})();
const whole = (flag: string, text: string): number => {
  const value = Number(text.trim());
  return Number.isInteger(value) && value >= 1
    ? value
    : usage(`${flag} takes whole numbers, found "${text}"`);
};
const sizes = flags.sizes.split(",").map((s) => whole("--sizes", s));
const chosen = new Set(flags.tools.split(",").map((t) => t.trim()));
const unknown = [...chosen].filter((t) => !(tools as readonly string[]).includes(t));
if (unknown.length) usage(`--tools takes ${tools.join(", ")}, found ${unknown.join(", ")}`);
const use = (tool: Tool): boolean => chosen.has(tool);
const helmMax = whole("--helm-max", flags["helm-max"]);
const parallel = whole("--parallel", flags.parallel);

const repo = fileURLToPath(new URL("..", import.meta.url));
const out = resolve(repo, flags.out);
// --replot: the plot again from the last run's figures, without running anything.
if (flags.replot) {
  const last = JSON.parse(readFileSync(join(out, "deploy-curve.json"), "utf8")) as { sizes: SizeResult[] };
  writeFileSync(join(out, "deploy-curve.svg"), curveReport.svg(last.sizes));
  console.log(`wrote ${join(flags.out, "deploy-curve.svg")} from ${join(flags.out, "deploy-curve.json")}`);
  process.exit(0);
}

const platform = loadPlatform();
const at: Connection = { kubeconfig: platform.kubeconfig, context: "local" };
const cacheDir = defaultLayout().cacheDir;
const kubectlBinary = (await ensureBinaries(cacheDir, silentProgress)).kubectl;
// Built on first use only (cold: minutes, with progress on stderr); warm: a file check.
const helmBinary = use("helm") ? await ensureHelm(cacheDir, stderrProgress) : "";
const kappBinary = use("kapp") ? await ensureKapp(cacheDir, stderrProgress) : "";
const proxy = use("kapp") ? await startCountingProxy(platform.kubeconfig, "local") : undefined;
const work = mkdtempSync(join(tmpdir(), "slipway-bench-deploy-"));

// Removed however the run ends, so a failed run leaves no namespaces behind.
const namespaces = new Set<string>();
const kubectlSync = (...args: string[]): void => {
  spawnSync(kubectlBinary, ["--kubeconfig", at.kubeconfig, "--context", at.context, ...args], {
    stdio: "ignore",
  });
};
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
  if (namespaces.size) kubectlSync("delete", "namespace", ...namespaces, "--wait=false");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const kubectl = new Kubectl(kubectlBinary, at);
const runner = fileURLToPath(new URL("./support/slipway-run.ts", import.meta.url));
/** Slipway's plan or deploy in a process of its own (tsx, as the other benches run). */
const slipway = async (mode: "plan" | "deploy", config: string): Promise<SlipwayRun> => {
  const r = await timedRun(
    process.execPath,
    [
      "--import",
      "tsx",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : []),
      runner,
      mode,
      config,
      at.kubeconfig,
      String(parallel),
    ],
    { keepStdout: true },
  );
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as SlipwayRun;
};

const results: SizeResult[] = [];
for (const count of sizes) {
  const suffix = `${count}-${Date.now().toString(36)}`;
  const ns = {
    slipway: `bench-${suffix}`,
    kubectl: `bench-kubectl-${suffix}`,
    helm: `bench-helm-${suffix}`,
    kapp: `bench-kapp-${suffix}`,
  };
  const generated = generatedProject(
    count,
    `{ name: "bench", environments: [defineEnvironment({
  name: "bench", cluster: { context: "local", namespace: "${ns.slipway}", flavour: "k3s" },
  registry: { host: "${platform.registry}", repositoryPrefix: "bench" }, defaults: { replicas: 1 } })] }`,
    (name) => `{ name: "${name}", version: "1.0.0", image: "${name}",
  deployment: { port: 8080, minReadySeconds: 0, env: { MODE: "bench" }, readiness: { http: { path: "/ready" } } },
  service: { port: 80 }, ingress: { host: "bench.example.org", path: "/${name}" },
  configMaps: { "${name}-config": { data: { "app.yaml": "name: ${name}" } } },
  networkPolicy: { allowFrom: ["svc-000"] } }`,
  );
  const project = await loadProject(generated.config);
  const env = project.environments[0]!;
  const objects = renderEnvironment(project, env.name);
  const dir = join(work, String(count));
  mkdirSync(dir, { recursive: true });
  const result: SizeResult = {
    services: count,
    objects: objects.length,
    kinds: new Set(objects.map((o) => o.kind)).size,
    parallel,
  };
  console.error(`bench:deploy: ${count} services, ${objects.length} objects`);

  // Full deploys from empty, one tool after another.
  if (use("slipway")) {
    namespaces.add(ns.slipway);
    const full = await slipway("deploy", generated.config);
    result.slipwayFull = full;
    console.error(`  slipway full deploy: ${(full.ms / 1000).toFixed(1)} s`);
  }
  let manifest = "";
  if (use("kubectl")) {
    namespaces.add(ns.kubectl);
    kubectlSync("create", "namespace", ns.kubectl);
    manifest = Kubectl.manifest(dir, objects, ns.kubectl);
    result.floor = await kubectl.floor(manifest, ns.kubectl);
    console.error(`  control plane floor: ${(result.floor.ms / 1000).toFixed(1)} s`);
  }
  const helm =
    use("helm") && count <= helmMax
      ? new Helm(helmBinary, at, join(dir, "helm"), ns.helm, parallel)
      : undefined;
  if (helm) {
    namespaces.add(ns.helm);
    for (const service of servicesIn(project, env.name, []))
      helm.addChart(
        service.spec.name,
        service.spec.version,
        renderServiceObjects(project.name, env, service),
      );
    result.helmFull = await helm.upgradeAll();
    console.error(`  helm full install: ${(result.helmFull.ms / 1000).toFixed(1)} s`);
  }
  const kapp = proxy ? new Kapp(kappBinary, proxy, join(dir, "kapp"), ns.kapp, objects) : undefined;
  if (kapp) {
    namespaces.add(ns.kapp);
    kubectlSync("create", "namespace", ns.kapp);
    result.kappFull = await kapp.deploy();
    console.error(`  kapp full deploy: ${(result.kappFull.ms / 1000).toFixed(1)} s`);
  }

  // No-ops: nothing changed since.
  if (use("slipway")) {
    const plan = await slipway("plan", generated.config);
    if (plan.changed) throw new Error(`the no-op plan found changes: ${JSON.stringify(plan.sample)}`);
    result.slipwayPlan = plan;
    result.slipwayNoop = await slipway("deploy", generated.config);
  }
  if (use("kubectl")) result.kubectlNoop = await kubectl.apply(manifest);
  if (helm) result.helmNoop = await helm.upgradeAll();
  if (kapp) {
    result.kappPlan = await kapp.deploy(true);
    result.kappNoop = await kapp.deploy();
  }
  results.push(result);
  console.log(curveReport.table(result));

  // Gone before the next size, so its figures are not made beside this size's objects.
  const mine = Object.values(ns).filter((n) => namespaces.has(n));
  if (mine.length) {
    await timedRun(kubectlBinary, [
      "--kubeconfig",
      at.kubeconfig,
      "--context",
      at.context,
      "delete",
      "namespace",
      ...mine,
      "--timeout=900s",
    ]);
    for (const n of mine) namespaces.delete(n);
  }
}
await proxy?.close();

console.log(curveReport.growth(results));
mkdirSync(out, { recursive: true });
const tools_ = { helm: versions.helm, kapp: versions.kapp, kubernetes: versions.kubernetes };
writeFileSync(
  join(out, "deploy-curve.json"),
  `${JSON.stringify(curveReport.json(results, tools_), null, 2)}\n`,
);
writeFileSync(join(out, "deploy-curve.svg"), curveReport.svg(results));
console.log(`wrote ${join(flags.out, "deploy-curve.json")} and ${join(flags.out, "deploy-curve.svg")}`);
