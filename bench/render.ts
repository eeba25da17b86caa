// Renders 1,000 generated services and prints time and objects per second, with a
// baseline measured in the same process (a deep copy of the same objects), since
// absolute times on a shared 2-core machine are noisy: the ratio is the figure to compare.
import { performance } from "node:perf_hooks";
import type { EnvironmentModel, ServiceModel } from "../src/definitions/model.ts";
import { serviceSchema } from "../src/definitions/schema/service.ts";
import { crossCheck, dependencyOrder } from "../src/definitions/validate.ts";
import { renderServiceObjects } from "../src/render/render.ts";
import { toYaml } from "../src/render/serialize.ts";

const count = Number(process.argv[2] ?? 1000);

const env: EnvironmentModel = {
  name: "bench",
  cluster: { context: "local", namespace: "bench", flavour: "k3s" },
  registry: { host: "127.0.0.1:25000", repositoryPrefix: "bench", pullSecret: "registry-credentials" },
  defaults: { replicas: 2 },
  databases: { main: { secret: "main-db" } },
  ingressClass: "traefik",
  storageClass: "local-path",
};

function definition(i: number): unknown {
  const name = `svc-${i}`;
  return {
    name,
    version: `1.${i % 10}.0`,
    image: name,
    dependsOn: i > 0 ? [`svc-${Math.floor(i / 2)}`] : [],
    deployment: {
      port: 8080,
      database: "main",
      env: {
        LOG_LEVEL: "info",
        PEER: `http://svc-${(i + 1) % count}`,
        TOKEN: { secret: `${name}-token`, key: "t" },
      },
      resources: { requests: { cpu: "100m", memory: "128Mi" } },
      liveness: { http: { path: "/healthz" } },
      readiness: { http: { path: "/ready" } },
      configFiles: [{ configMap: `${name}-config`, mountPath: "/etc/app" }],
    },
    service: { port: 80 },
    ingress: { host: "bench.example.org", path: `/${name}` },
    configMaps: { [`${name}-config`]: { data: { "app.yaml": `name: ${name}\n` } } },
    secrets: [`${name}-token`],
    cronJobs: { cleanup: { schedule: "0 3 * * *", args: ["cleanup"] } },
    networkPolicy: { allowFrom: [`svc-${(i + 1) % count}`] },
  };
}

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const result = fn();
  return [result, performance.now() - t0];
};

const raw = Array.from({ length: count }, (_, i) => definition(i));
// Warm-up so the JIT has seen each path once.
renderServiceObjects("bench", env, {
  file: "w",
  spec: serviceSchema.parse(raw[0]),
  parameters: {},
  configMaps: new Map(),
  calls: [],
  migrations: [],
});

const [models, validateMs] = time(() => {
  const parsed = raw.map((d, i): ServiceModel => {
    const spec = serviceSchema.parse(d);
    return {
      file: `services/svc-${i}/service.ts`,
      spec,
      parameters: {},
      configMaps: new Map(Object.entries(spec.configMaps ?? {}).map(([k, v]) => [k, v.data ?? {}])),
      calls: [],
      migrations: [],
    };
  });
  const problems = crossCheck(parsed, env);
  if (problems.length) throw new Error(`generated definitions are invalid: ${problems[0]?.message}`);
  return dependencyOrder(parsed);
});
const [objects, renderMs] = time(() => models.flatMap((m) => renderServiceObjects("bench", env, m)));
const [yaml, yamlMs] = time(() => toYaml(objects));
const [, baselineMs] = time(() => structuredClone(objects));

const perSecond = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString("en")}/s`;
const ratio = (ms: number): string => `${(ms / baselineMs).toFixed(2)}x`;
const totalMs = renderMs + yamlMs;
console.log(`services: ${count}, objects: ${objects.length}, YAML: ${(yaml.length / 1e6).toFixed(1)} MB`);
console.log(`validate (schema + cross-checks + order): ${validateMs.toFixed(0)} ms`);
console.log(
  `render:                                   ${renderMs.toFixed(0)} ms  (${perSecond(objects.length, renderMs)} objects, ${ratio(renderMs)} baseline)`,
);
console.log(
  `serialise to YAML:                        ${yamlMs.toFixed(0)} ms  (${(yaml.length / 1e3 / yamlMs).toFixed(1)} MB/s, ${ratio(yamlMs)} baseline)`,
);
console.log(
  `render + serialise:                       ${totalMs.toFixed(0)} ms  (${ratio(totalMs)} baseline; goal < 1000 ms)`,
);
console.log(`baseline (structuredClone of the objects): ${baselineMs.toFixed(0)} ms`);
console.log(`validate + render + serialise:            ${(validateMs + totalMs).toFixed(0)} ms`);
