// bench/traffic: failed requests during a rolling update of one service on the real node, under
// a bounded load, with Slipway's rendered drain (a preStop sleep before SIGTERM) against the same
// service with `drainSeconds: 0` (the baseline, run in the same script). The load goes to the
// Service's ClusterIP, which kube-proxy routes on this machine to the pods on its bridge: at
// most `maxRequests` requests, 4 at a time with a pause, for at most 90 s, then it stops by itself.
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { ensureBinaries } from "../platform/src/build/binaries.ts";
import { loadPlatform } from "../platform/src/connection.ts";
import { defaultLayout } from "../platform/src/layout.ts";
import { silentProgress } from "../platform/src/progress.ts";
import { buildAndPushImage } from "../scripts/build-images.ts";
import { generatedProject } from "./support/generated-project.ts";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const platform = loadPlatform();
const kubectl = (await ensureBinaries(defaultLayout().cacheDir, silentProgress)).kubectl;
const suffix = Date.now().toString(36);
const maxRequests = 8000;
/** Each of the 4 senders pauses this long between requests: about 150 requests a second. */
const pauseMs = 20;
const concurrency = 4;

export interface TrafficResult {
  readonly requests: number;
  readonly failed: number;
  /** Failures by HTTP status or error code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly rolloutSeconds: number;
}

const k = (namespace: string, ...args: string[]): string =>
  execFileSync(
    kubectl,
    ["--kubeconfig", platform.kubeconfig, "--context", "local", "-n", namespace, ...args],
    {
      encoding: "utf8",
    },
  );

/** The example's files program, as versions 1.0.0 and 1.0.1 of one bench service. */
async function publish(version: string): Promise<void> {
  await buildAndPushImage({
    service: "svc-000",
    version,
    image: "svc-000",
    repositoryPrefix: "bench-traffic",
    program: join(repo, "examples/platform/services/files/app"),
    calls: [{ name: "files.browse", audited: false }],
    servicePort: 80,
  });
}

function project(namespace: string, drainSeconds: number | undefined, version: string) {
  const node = platform.realNode;
  return generatedProject(
    1,
    `{ name: "traffic", environments: [defineEnvironment({
    name: "bench", cluster: { context: "local", namespace: "${namespace}", flavour: "k3s" },
    registry: { host: "${platform.registry}", repositoryPrefix: "bench-traffic", pullSecret: "pull", insecure: true },
    defaults: { replicas: 2, pod: { nodeSelector: ${JSON.stringify(node.selector)},
      tolerations: [${JSON.stringify(node.toleration)}] } } })] }`,
    (name) => `{ name: "${name}", version: "${version}", image: "${name}",
    deployment: { port: 8080, readiness: { http: { path: "/ready" }, periodSeconds: 1 }${
      drainSeconds === undefined ? "" : `, drainSeconds: ${drainSeconds}`
    } },
    service: { port: 80 } }`,
  );
}

async function deploy(config: string): Promise<void> {
  try {
    await run(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repo, "src/cli/main.ts"),
        "deploy",
        "--env",
        "bench",
        "--yes",
        "-c",
        config,
        "--kubeconfig",
        platform.kubeconfig,
      ],
      {
        cwd: repo,
        env: { ...process.env, DOCKER_CONFIG: platform.dockerConfig },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`slipway deploy failed:\n${(e.stdout ?? "") + (e.stderr ?? "")}`.slice(-3000));
  }
}

/** Sends requests until `until` resolves (or the bounds), counting what failed and how. */
async function load(url: string, until: Promise<unknown>): Promise<Omit<TrafficResult, "rolloutSeconds">> {
  let done = false;
  void until.finally(() => (done = true));
  const deadline = Date.now() + 90_000;
  let requests = 0;
  let failed = 0;
  const errors: Record<string, number> = {};
  const worker = async (): Promise<void> => {
    while (!done && requests < maxRequests && Date.now() < deadline) {
      requests++;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ path: "/home/ada", itemsPerPage: 5 }),
          signal: AbortSignal.timeout(5_000),
        });
        await response.arrayBuffer();
        if (response.status !== 200) {
          failed++;
          errors[String(response.status)] = (errors[String(response.status)] ?? 0) + 1;
        }
      } catch (error) {
        failed++;
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        errors[cause] = (errors[cause] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests, failed, errors };
}

/** Deploys 1.0.0, then under load 1.0.1; returns what the load saw during the update. */
async function measure(label: string, drainSeconds: number | undefined): Promise<TrafficResult> {
  const namespace = `bench-traffic-${label}-${suffix}`;
  k(namespace, "create", "namespace", namespace);
  try {
    k(
      namespace,
      "create",
      "secret",
      "docker-registry",
      "pull",
      `--docker-server=${platform.registry}`,
      `--docker-username=${platform.secrets.registryUser}`,
      `--docker-password=${platform.secrets.registryPassword}`,
    );
    await deploy(project(namespace, drainSeconds, "1.0.0").config);
    const ip = k(namespace, "get", "service", "svc-000", "-o", "jsonpath={.spec.clusterIP}").trim();
    const started = Date.now();
    const update = deploy(project(namespace, drainSeconds, "1.0.1").config).then(() =>
      // Until the old pods are gone: their termination is what the drain is about.
      run(kubectl, [
        "--kubeconfig",
        platform.kubeconfig,
        "--context",
        "local",
        "-n",
        namespace,
        "wait",
        "--for=delete",
        "pod",
        "-l",
        "app.kubernetes.io/version=1.0.0",
        "--timeout=120s",
      ]),
    );
    const result = await load(`http://${ip}/files/browse`, update);
    await update;
    return { ...result, rolloutSeconds: (Date.now() - started) / 1000 };
  } finally {
    k(namespace, "delete", "namespace", namespace, "--wait=false");
  }
}

await publish("1.0.0");
await publish("1.0.1");
const withDrain = await measure("drain", undefined);
const baseline = await measure("nodrain", 0);
const show = (r: TrafficResult): string =>
  `${r.failed} failed of ${r.requests} requests (${((100 * r.failed) / Math.max(1, r.requests)).toFixed(2)}%)` +
  `${r.failed ? ` ${JSON.stringify(r.errors)}` : ""}, update and old pods gone in ${r.rolloutSeconds.toFixed(1)} s`;
console.log(
  "traffic during rollout: one service, 2 replicas on the real node, 4 requests at a time to its ClusterIP",
);
console.log(`  Slipway (drain 5 s before SIGTERM): ${show(withDrain)}`);
console.log(`  baseline (drainSeconds: 0):         ${show(baseline)}`);
const rate = (r: TrafficResult): number => r.failed / Math.max(1, r.requests);
console.log(
  `  failure rate, Slipway / baseline: ${rate(baseline) === 0 ? (rate(withDrain) === 0 ? "both 0" : "baseline 0") : (rate(withDrain) / rate(baseline)).toFixed(3)}`,
);
