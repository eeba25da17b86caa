// bench/fleet: 100 generated services deployed from empty to the local platform's three control
// planes (simulated nodes), through the installed binary as a user runs it:
//   (a) three single-cluster deploys one after the other (three environments), the baseline;
//   (b) one fleet environment over the same three clusters, in two waves without a bake
//       ([local], [rancher, edge] one at a time): the same work plus the waves' own overhead;
//   (c) the same fleet with its second wave two at a time (maxParallel: 2).
// Each run has namespaces of its own. The overhead of the waves is (b) − (a); (c) shows what
// running a wave's clusters at once saves on this 2-core machine.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { ensureBinaries } from "../platform/src/build/binaries.ts";
import { loadPlatform } from "../platform/src/connection.ts";
import { defaultLayout } from "../platform/src/layout.ts";
import { silentProgress } from "../platform/src/progress.ts";
import { buildExampleImages } from "../scripts/build-images.ts";
import { generatedProject } from "./support/generated-project.ts";

const count = Number(process.argv[2] ?? 100);
const platform = loadPlatform();
const kubectl = (await ensureBinaries(defaultLayout().cacheDir, silentProgress)).kubectl;
const suffix = Date.now().toString(36);
const contexts = ["local", "rancher", "edge"] as const;
const runs = ["seq", "fleet", "par"] as const;
const ns = (run: string): string => `bench-fleet-${run}-${suffix}`;

const placement = (run: string, context: string): string =>
  `cluster: { context: "${context}", namespace: "${ns(run)}", flavour: "k3s" }`;
const registry = `registry: { host: "${platform.registry}", repositoryPrefix: "bench-fleet", insecure: true }`;
const generated = generatedProject(
  count,
  `{ name: "bench", environments: [
  ${contexts.map((c) => `defineEnvironment({ name: "seq-${c}", ${placement("seq", c)}, ${registry} })`).join(",\n  ")},
  defineEnvironment({ name: "fleet", clusters: { ${contexts.map((c) => `"${c}": { ${placement("fleet", c)} }`).join(", ")} },
    waves: [{ clusters: ["local"] }, { clusters: ["rancher", "edge"] }], ${registry} }),
  defineEnvironment({ name: "par", clusters: { ${contexts.map((c) => `"${c}": { ${placement("par", c)} }`).join(", ")} },
    waves: [{ clusters: ["local"] }, { clusters: ["rancher", "edge"], maxParallel: 2 }], ${registry} }),
] }`,
  (name) => `{ name: "${name}", version: "1.0.0", image: "web",
  deployment: { port: 8080, minReadySeconds: 0, readiness: { http: { path: "/ready" } } }, service: { port: 80 } }`,
);
process.once("exit", () => {
  for (const run of runs)
    for (const context of contexts)
      spawnSync(
        kubectl,
        [
          "--kubeconfig",
          platform.kubeconfig,
          "--context",
          context,
          "delete",
          "namespace",
          ns(run),
          "--wait=false",
        ],
        {
          stdio: "ignore",
        },
      );
});

// One image all services run: the gate's image check finds it, nothing more is built.
const one = generatedProject(
  1,
  `{ name: "bench", environments: [defineEnvironment({ name: "img", ${placement("seq", "local")}, ${registry} })] }`,
  () => `{ name: "web", version: "1.0.0", image: "web", deployment: { port: 8080 } }`,
);
await buildExampleImages(one.config, "img");

const slipway = (...args: string[]): number => {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      "bin/slipway.js",
      ...args,
      "--yes",
      "--parallel",
      "8",
      "-c",
      generated.config,
      "--kubeconfig",
      platform.kubeconfig,
    ],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`slipway ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-3000)}`);
  return ms;
};

const sequential = contexts.map((c) => slipway("deploy", "-e", `seq-${c}`));
const seqMs = sequential.reduce((a, b) => a + b, 0);
const fleetMs = slipway("deploy", "-e", "fleet");
const parMs = slipway("deploy", "-e", "par");
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `fleet bench: ${count} services (${count * 2} objects per cluster), 3 clusters, deploys from empty`,
);
console.log(
  `  three single-cluster deploys, one after the other: ${s(seqMs)} (${sequential.map(s).join(" + ")})`,
);
console.log(
  `  one fleet deploy, waves [local] → [rancher, edge] one at a time: ${s(fleetMs)}: ${(fleetMs / seqMs).toFixed(2)}× the three (overhead ${s(fleetMs - seqMs)})`,
);
console.log(
  `  the same fleet, its second wave two at a time: ${s(parMs)}: ${(parMs / seqMs).toFixed(2)}× the three`,
);
