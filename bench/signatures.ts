// bench/signatures: what verifying signatures and attestations adds to a plan's gate, for N
// generated services (default 100) on the local platform's real registry and Jenkins stand-in.
// The same services are gated in two environments that differ only in `signatures` and
// `requires: ["signature", "provenance"]`; runs alternate, three of each, and the ratio of the
// medians is printed. Each signed service costs two manifest and three blob GETs more (.sig,
// .att, the payload, two envelopes), beside the tag, config and Jenkins requests it already makes.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadPlatform } from "../platform/src/connection.ts";
import { buildAndPushImage, reportBuild } from "../scripts/build-images.ts";
import { ciSigningKey, publicKeyPem, signAndAttest } from "../scripts/images/sign.ts";
import { resolveImages, runGate } from "../src/checks/gate/gate.ts";
import type { Cluster } from "../src/clients/kubernetes/cluster.ts";
import { loadProject } from "../src/definitions/load.ts";
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
  const images = await resolveImages(env, services);
  const gates = await runGate({ project, env, clusterFor: noCluster }, services, images, changing);
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

let requests = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (...args: Parameters<typeof fetch>): Promise<Response> => {
  requests++;
  return realFetch(...args);
};
const timed = async (env: typeof plain): Promise<{ ms: number; requests: number }> => {
  requests = 0;
  const t0 = performance.now();
  const failed = await gate(env);
  const ms = performance.now() - t0;
  if (failed.length > 0) throw new Error(`bench: ${failed.length} services failed the ${env.name} gate`);
  return { ms, requests };
};

await timed(plain); // warm-up: connections, the Docker config, tsx
await timed(signed);
const runs = {
  plain: [] as { ms: number; requests: number }[],
  signed: [] as { ms: number; requests: number }[],
};
for (let i = 0; i < 3; i++) {
  runs.plain.push(await timed(plain));
  runs.signed.push(await timed(signed));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const [p, s] = [runs.plain, runs.signed].map((r) => ({
  ms: median(r.map((x) => x.ms)),
  requests: r[0]?.requests ?? 0,
}));
const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(`services: ${count}; gate = image, ci, and (signed) signature and provenance`);
console.log(`without signatures: ${f(p!.ms)} (median of 3), ${p!.requests} requests`);
console.log(`with signatures:    ${f(s!.ms)} (median of 3), ${s!.requests} requests`);
console.log(`added: ${f(s!.ms - p!.ms)}; time ratio (with / without): ${(s!.ms / p!.ms).toFixed(2)}`);
