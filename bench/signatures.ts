// bench/signatures: what verifying signatures and attestations adds, for N generated services
// (default 100) on the local platform's real cluster, registry and Jenkins stand-in: to a whole
// plan (planFor, as `slipway plan -e ENV` makes it: live state, releases, image resolution, the
// gate, server dry runs), and to the gate alone (resolveImages + runGate). The same services are
// planned in two environments that differ only in `signatures` and `requires: ["signature",
// "provenance"]`; runs alternate, five of each, and the ratios of the medians are printed. Each signed service costs two manifest and three blob GETs more (.sig,
// .att, the payload, two envelopes), beside the tag, config and Jenkins requests it already makes.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadPlatform } from "../platform/src/connection.ts";
import { buildAndPushImage, reportBuild } from "../scripts/build-images.ts";
import { ciSigningKey, publicKeyPem, signAndAttest } from "../scripts/images/sign.ts";
import { GATE_CONCURRENCY, resolveImages, runGate } from "../src/checks/gate/gate.ts";
import type { RegistryClients } from "../src/checks/gate/image.ts";
import { Cluster } from "../src/clients/kubernetes/cluster.ts";
import { loadProject } from "../src/definitions/load.ts";
import { planFor } from "../src/plan/plan-for-session.ts";
import { generatedProject } from "./support/generated-project.ts";

const count = Number(process.argv[2] ?? 100);
const platform = loadPlatform();
process.env.DOCKER_CONFIG = platform.dockerConfig;
process.env.SLIPWAY_JENKINS_CREDENTIALS = platform.jenkins.credentialsFile;
const prefix = "bench-signatures";
const environment = (name: string, signed: boolean): string => `defineEnvironment({
  name: "${name}", cluster: { context: "local", namespace: "${prefix}", flavour: "k3s" },
  registry: { host: "${platform.registry}", repositoryPrefix: "${prefix}", insecure: true },
  ci: { url: "${platform.jenkins.url}", jobPattern: "${prefix}/{service}" },
  ${signed ? 'requires: ["image", "ci", "signature", "provenance"], signatures: { keys: [{ name: "bench-ci", file: "ci.pub" }] },' : ""}
})`;
const generated = generatedProject(
  count,
  `{ name: "bench", environments: [${environment("plain", false)}, ${environment("signed", true)}] }`,
  (name) => `{ name: "${name}", version: "1.0.0", image: "${name}", deployment: { port: 8080 } }`,
);
// The local platform's CI key: the same on every run, so what an earlier run signed still verifies.
const key = await ciSigningKey({});
writeFileSync(join(generated.root, "ci.pub"), publicKeyPem(key));
const project = await loadProject(generated.config);
const [plain, signed] = project.environments as [
  (typeof project.environments)[0],
  (typeof project.environments)[0],
];
const services = project.services.get("plain") ?? [];
const changing = new Set(services.map((s) => s.spec.name));
const noCluster = (): Cluster => {
  throw new Error("bench: no promotion, so no other cluster");
};

const gate = async (env: typeof plain) => {
  const registries: RegistryClients = new Map();
  const images = await resolveImages(env, services, GATE_CONCURRENCY, registries);
  const gates = await runGate(
    { project, env, clusterFor: noCluster, registries },
    services,
    images,
    changing,
  );
  return gates.filter((g) => g.checks.some((c) => c.outcome === "failed")).map((g) => g.service);
};

// Build, push, report and sign what an earlier run has not (images are reproducible).
const unsigned = new Set(await gate(signed));
if (unsigned.size > 0) {
  process.stderr.write(`building, pushing and signing ${unsigned.size} images (once per machine)...\n`);
  for (const service of services.filter((s) => unsigned.has(s.spec.name))) {
    const image = await buildAndPushImage({
      service: service.spec.name,
      version: service.spec.version,
      image: service.spec.image,
      repositoryPrefix: prefix,
    });
    const build = await reportBuild(image, `${prefix}/{service}`);
    await signAndAttest(
      image,
      {
        commit: image.revision,
        builder: platform.jenkins.url,
        buildUrl: build.url,
        tests: { passed: 12, failed: 0, skipped: 0 },
      },
      key,
    );
  }
}

// Nothing is deployed in the namespace, so every service is a create: each goes through the gate.
const cluster = Cluster.open("local", platform.kubeconfig);
if (!(await cluster.get("Namespace", prefix, "")))
  await cluster.request({
    method: "POST",
    path: "/api/v1/namespaces",
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name: prefix } },
  });

let requests = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (...args: Parameters<typeof fetch>): Promise<Response> => {
  requests++;
  return realFetch(...args);
};
type Run = { ms: number; requests: number; cluster: number };
const timed = async (what: "gate" | "plan", env: typeof plain): Promise<Run> => {
  requests = 0;
  cluster.requests = 0;
  const t0 = performance.now();
  const failed =
    what === "gate"
      ? await gate(env)
      : (await planFor({ project, env, cluster, clusterFor: noCluster }, [])).services
          .filter((s) => s.gate?.checks.some((c) => c.outcome === "failed"))
          .map((s) => s.service);
  const ms = performance.now() - t0;
  if (failed.length > 0) throw new Error(`bench: ${failed.length} services failed the ${env.name} ${what}`);
  return { ms, requests, cluster: cluster.requests };
};

await timed("plan", plain); // warm-up: connections, the Docker config, tsx
await timed("plan", signed);
const runs = {
  gate: { plain: [] as Run[], signed: [] as Run[] },
  plan: { plain: [] as Run[], signed: [] as Run[] },
};
const rounds = 5;
for (let i = 0; i < rounds; i++)
  for (const what of ["plan", "gate"] as const) {
    runs[what].plain.push(await timed(what, plain));
    runs[what].signed.push(await timed(what, signed));
  }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const summary = (r: Run[]): { ms: number; run: Run } => ({
  ms: median(r.map((x) => x.ms)),
  run: r[0] as Run,
});
console.log(
  `services: ${count}; gate = image, ci, and (signed) signature and provenance; median of ${rounds}, alternating`,
);
for (const what of ["plan", "gate"] as const) {
  const [p, s] = [summary(runs[what].plain), summary(runs[what].signed)];
  const cl = (r: Run): string => (what === "plan" ? ` + ${r.cluster} Kubernetes` : "");
  const label =
    what === "plan" ? "whole plan (planFor, as slipway plan -e ENV)" : "gate alone (resolveImages + runGate)";
  console.log(`${label}:`);
  console.log(`  without signatures: ${f(p.ms)}, ${p.run.requests} registry/CI requests${cl(p.run)}`);
  console.log(`  with signatures:    ${f(s.ms)}, ${s.run.requests} registry/CI requests${cl(s.run)}`);
  console.log(`  added: ${f(s.ms - p.ms)}; time ratio (with / without): ${(s.ms / p.ms).toFixed(2)}`);
}
