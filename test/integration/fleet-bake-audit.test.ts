// A fleet's bake judged by the audit index, on the real Elasticsearch: the new version's calls
// during the bake against the previous version's before the wave began, the way a canary's
// analysis judges a canary. Two clusters (contexts local and rancher, simulated nodes), each with
// its own audit indices (index prefixes); the calls' audit entries are written to the call's
// write alias as a service's pods write them (the pods here are simulated: no process runs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { auditNames } from "../../src/audit/convention.ts";
import type { FleetEvent, FleetReport } from "../../src/fleet/events.ts";
import { buildExampleImages } from "../../scripts/build-images.ts";
import { removeAuditIndices } from "../support/deploy-project.ts";
import { platform, uniqueName } from "../support/platform.ts";
import { removeScratchMadeHere, scratchProject, service } from "../support/project.ts";
import { runSlipway } from "../support/slipway-bin.ts";
import { startSlipway } from "../support/slipway-process.ts";

const namespace = uniqueName("fleet-bake");
const prefix = (cluster: string): string => `${namespace}-${cluster}-`;
const placed = (name: string, context: string): string =>
  `"${name}": { cluster: { context: "${context}", namespace: "${namespace}", flavour: "k3s" },
    search: { url: "${platform.elasticsearch}", indexPrefix: "${prefix(name)}" } }`;
const project = scratchProject({
  "slipway.config.ts": `import { defineEnvironment, defineProject } from "slipway";
export default defineProject({
  name: "bake",
  environments: [
    defineEnvironment({
      name: "prod",
      clusters: { ${placed("eu-1", "local")}, ${placed("eu-2", "rancher")} },
      waves: [{ clusters: ["eu-1"], bake: "25s" }, { clusters: ["eu-2"] }],
      registry: { host: "${platform.registry}", repositoryPrefix: "${namespace}", insecure: true },
      search: { url: "${platform.elasticsearch}", indexPrefix: "${prefix("fleet")}" },
    }),
  ],
});
`,
  "services/web/service.ts": service(`{ name: "web", version: "1.0.0", image: "web",
  deployment: { port: 8080, readiness: { http: { path: "/ready" } } }, service: { port: 80 },
  calls: { "web.ping": { request: { type: "object", properties: { q: { type: "string" } } }, audited: true } } }`),
});
const serviceFile = `${project.root}/services/web/service.ts`;
const clusters = [Cluster.open("local", platform.kubeconfig), Cluster.open("rancher", platform.kubeconfig)];
const deployArgs = ["deploy", "-e", "prod", "--yes", "--timeout", "60s", "-o", "jsonl"];

async function release(version: string): Promise<void> {
  writeFileSync(
    serviceFile,
    readFileSync(serviceFile, "utf8").replace(/version: "[^"]+"/, `version: "${version}"`),
  );
  await buildExampleImages(project.config, "prod");
}

/** `count` audit entries of web.ping on eu-1, as its pods write them, now; `failing` of them answered 500. */
async function writeCalls(version: string, count: number, failing: number): Promise<void> {
  const alias = auditNames("web.ping", prefix("eu-1")).alias;
  const lines = Array.from({ length: count }, (_, i) => [
    JSON.stringify({ create: {} }),
    JSON.stringify({
      "@timestamp": new Date().toISOString(),
      call: "web.ping",
      user: "tester",
      status: i < failing ? 500 : 200,
      duration_ms: 20 + (i % 7),
      version,
      request: { q: "x" },
    }),
  ]).flat();
  const response = await fetch(`${platform.elasticsearch}/${encodeURIComponent(alias)}/_bulk?refresh=true`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: lines.join("\n") + "\n",
  });
  const body = (await response.json()) as { errors?: boolean };
  expect(response.status).toBe(200);
  expect(body.errors).toBe(false);
}

type Line = { kind: string } & (FleetEvent | FleetReport);
const linesOf = (stdout: string): Line[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
const reportOf = (stdout: string): FleetReport => {
  const report = linesOf(stdout).find((l) => l.kind === "FleetReport");
  if (!report) throw new Error(`no FleetReport in:\n${stdout.slice(-3000)}`);
  return report as FleetReport;
};

/** Deploys the fleet; once eu-1's bake has begun, its new version answers `failing` of 200 calls with 500. */
async function deployWithCalls(previous: string, version: string, failing: number) {
  await writeCalls(previous, 200, 0);
  const running = startSlipway(project.config, ...deployArgs);
  await running.until((stdout) => stdout.includes('"type":"fleet-bake-started"'), "stdout");
  await writeCalls(version, 200, failing);
  const code = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

beforeAll(async () => {
  await buildExampleImages(project.config, "prod");
  const first = await runSlipway([...deployArgs, "-c", project.config, "--kubeconfig", platform.kubeconfig]);
  expect(first.code, first.stderr).toBe(0);
  // A first deploy has no earlier version to compare with: said, not judged.
  expect(reportOf(first.stdout).waves[0]?.bake?.audit?.["eu-1"]).toEqual([
    "web: no earlier version to compare its calls with",
  ]);
}, 300_000);

afterAll(async () => {
  for (const cluster of clusters) await cluster.delete("Namespace", namespace, "").catch(() => undefined);
  await removeAuditIndices(`${namespace}-`);
  removeScratchMadeHere();
}, 120_000);

describe("a fleet's bake judged by the audit index", () => {
  it("stops the line when the new version answers more 5xx during the bake than the old one did before", async () => {
    await release("1.0.1");
    const r = await deployWithCalls("1.0.0", "1.0.1", 60);
    expect(r.code, r.stderr).toBe(1);
    const report = reportOf(r.stdout);
    expect(report.stoppedAt).toBe(1);
    expect(report.waves[0]?.clusters[0]).toMatchObject({ cluster: "eu-1", outcome: "unhealthy" });
    const problems = report.waves[0]?.bake?.unhealthy["eu-1"] ?? [];
    console.log(`bake verdict: ${problems.join("; ")}`);
    expect(problems).toEqual([
      "web.ping: 5xx rate: 1.0.1 during the bake 30.0% (60/200), 1.0.0 before 0.0% (0/200): more than 1 point above 1.0.0's before",
    ]);
    // eu-2 was never deployed this time: still the first version.
    expect(report.notStarted).toEqual([2]);
  }, 300_000);

  it("goes on when the new version serves its calls as well as the old one did", async () => {
    await release("1.0.2");
    const r = await deployWithCalls("1.0.1", "1.0.2", 0);
    expect(r.code, r.stderr).toBe(0);
    const report = reportOf(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.waves[0]?.bake?.audit?.["eu-1"]).toEqual([
      "web.ping: 1.0.2 served 200 calls in the bake, as well as 1.0.1 before",
    ]);
    expect(report.waves[1]?.clusters[0]).toMatchObject({ cluster: "eu-2", outcome: "deployed" });
  }, 300_000);
});
