// bench/gate: the "built and tested" checks of a plan for N generated services (default 100),
// against the local platform's real registry (with authentication) and the Jenkins stand-in:
// each service's tag resolved to a digest and its labels read, its build found and its test
// report read. Slipway checks GATE_CONCURRENCY services at a time; the baseline, in the same
// script, is every service at once (what Promise.all over the services would do). Runs alternate,
// three of each; compare the ratio, the requests and the peak in flight. (Before one registry
// client per plan and one GET per manifest, the same run made 600 requests in 1.20 s.)
import { performance } from "node:perf_hooks";
import { loadPlatform } from "../platform/src/connection.ts";
import { buildAndPushImage, reportBuild } from "../scripts/build-images.ts";
import { GATE_CONCURRENCY, resolveImages, runGate } from "../src/checks/gate/gate.ts";
import type { Cluster } from "../src/clients/kubernetes/cluster.ts";
import { loadProject } from "../src/definitions/load.ts";
import { generatedProject } from "./support/generated-project.ts";

const count = Number(process.argv[2] ?? 100);
const platform = loadPlatform();
process.env.DOCKER_CONFIG = platform.dockerConfig;
process.env.SLIPWAY_JENKINS_CREDENTIALS = platform.jenkins.credentialsFile;
const generated = generatedProject(
  count,
  `{ name: "bench", environments: [defineEnvironment({
  name: "bench", cluster: { context: "local", namespace: "bench-gate", flavour: "k3s" },
  registry: { host: "${platform.registry}", repositoryPrefix: "bench-gate", insecure: true },
  ci: { url: "${platform.jenkins.url}", jobPattern: "bench-gate/{service}" } })] }`,
  (name) => `{ name: "${name}", version: "1.0.0", image: "${name}", deployment: { port: 8080 } }`,
);
const project = await loadProject(generated.config);
const env = project.environments[0]!;
const services = project.services.get(env.name) ?? [];

// Build, push and report what an earlier run has not (images are reproducible, builds deduplicated).
const missing = [...(await resolveImages(env, services)).values()].filter((v) => !v.digest).length;
if (missing > 0) {
  process.stderr.write(`building and pushing ${missing} images (once per machine)...\n`);
  for (const service of services) {
    const image = await buildAndPushImage({
      service: service.spec.name,
      version: service.spec.version,
      image: service.spec.image,
      repositoryPrefix: "bench-gate",
    });
    await reportBuild(image, "bench-gate/{service}");
  }
}

// Counts requests, and the most in flight at once, across the registry and Jenkins clients.
let inFlight = 0;
let peak = 0;
let requests = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (...args: Parameters<typeof fetch>): Promise<Response> => {
  requests++;
  peak = Math.max(peak, ++inFlight);
  try {
    return await realFetch(...args);
  } finally {
    inFlight--;
  }
};

const changing = new Set(services.map((s) => s.spec.name));
const noCluster = (): Cluster => {
  throw new Error("bench: no promotion, so no other cluster");
};
const gate = async (concurrency: number): Promise<{ ms: number; peak: number; requests: number }> => {
  peak = 0;
  requests = 0;
  const t0 = performance.now();
  const images = await resolveImages(env, services, concurrency);
  const gates = await runGate(
    { project, env, clusterFor: noCluster, concurrency },
    services,
    images,
    changing,
  );
  const ms = performance.now() - t0;
  const failed = gates.filter((g) => g.checks.some((c) => c.outcome === "failed"));
  if (failed.length > 0) throw new Error(`bench: ${failed.length} services failed the gate`);
  return { ms, peak, requests };
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
await gate(GATE_CONCURRENCY); // warm-up: connections, the Docker config, tsx
const limited: { ms: number; peak: number; requests: number }[] = [];
const unbounded: typeof limited = [];
for (let run = 0; run < 3; run++) {
  limited.push(await gate(GATE_CONCURRENCY));
  unbounded.push(await gate(Number.POSITIVE_INFINITY));
}
const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const [l, u] = [limited, unbounded].map((runs) => ({
  ms: median(runs.map((r) => r.ms)),
  peak: Math.max(...runs.map((r) => r.peak)),
  requests: runs[0]?.requests ?? 0,
}));
console.log(`services: ${count}, each: tag → digest, image labels, Jenkins build, its test report`);
console.log(
  `gate, ${GATE_CONCURRENCY} services at a time: ${f(l!.ms)} (median of 3), ${l!.requests} requests, at most ${l!.peak} in flight`,
);
console.log(
  `baseline, all at once:       ${f(u!.ms)} (median of 3), ${u!.requests} requests, at most ${u!.peak} in flight`,
);
console.log(`time ratio (gate / all at once): ${(l!.ms / u!.ms).toFixed(2)}`);
