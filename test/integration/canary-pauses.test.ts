// A canary that waits for a person, on the real node: a manual pause, then abort from the CLI;
// a retry of the same version, paused, then abort from the dashboard; a retry again, promoted
// from the CLI; and a canary with too little traffic, inconclusive, promoted from the dashboard.
// Each decision is taken by the real `slipway deploy` process that runs the canary.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { canaryPods, eventsOf, latestRecord } from "../support/canary.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { startDashboard, type RunningDashboard } from "../support/dashboard.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeAuditIndices,
  removeExample,
  slipway,
  slipwayUnpublished,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { startSlipway, type RunningSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("canary-pauses", { node: "real" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const deploy = ["deploy", "auth", "--env", "dev", "--yes", "--timeout", "150s", "-o", "jsonl"];
let dashboard: RunningDashboard;

/** A deploy of auth in its own process, once it waits in a pause. */
async function pausedDeploy(): Promise<RunningSlipway> {
  await publishDefinedVersions(project.config);
  const running = startSlipway(project.config, ...deploy);
  await running.until((stdout) => eventsOf(stdout).some((e) => e.type === "canary-paused"), "stdout");
  return running;
}

const withSteps = (version: string, steps: string): void => {
  project.edit("services/auth/service.ts", /version: "[^"]+"/, `version: "${version}"`);
  project.edit(
    "services/auth/service.ts",
    /\n {2}(rollout: [^\n]*\n {2})?calls: \{/,
    `\n  rollout: { canary: { steps: ${steps} } },\n  calls: {`,
  );
};

/** A dashboard action: its confirmation page first (for the form's token), then the POST. */
async function dashboardAction(
  action: "promote" | "abort",
  reason: string,
): Promise<{ status: number; text: string }> {
  const page = await (await fetch(`${dashboard.url}/actions/canary/${action}?env=dev&service=auth`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const res = await fetch(`${dashboard.url}/actions/canary/${action}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: dashboard.url },
    body: new URLSearchParams({ csrf, env: "dev", service: "auth", reason }).toString(),
    redirect: "manual",
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  project.edit("services/auth/service.ts", /replicas: \(env\) => [^\n]*,/, "replicas: 2,");
  // A smoke test: a canary's verification runs against the canary's own Service.
  project.edit(
    "services/auth/service.ts",
    "\n  calls: {",
    '\n  verify: { smoke: { args: ["--run-script", "smoke-test"] } },\n  calls: {',
  );
  await publishDefinedVersions(project.config);
  const r = await slipway(project.config, ...deploy);
  expect(r.code, r.stderr).toBe(0);
  dashboard = await startDashboard(project.config, "--env", "dev");
}, 600_000);

afterAll(async () => {
  await dashboard?.stop();
  await removeExample(project.namespace);
  await removeAuditIndices(`${project.namespace}-`);
}, 120_000);

describe("a canary that waits for a person", () => {
  it("a manual pause aborted from the CLI, then from the dashboard; the retry after each starts cleanly, and a promote from the CLI finishes it", async () => {
    withSteps("1.0.1", '[{ weight: 50 }, { pause: "manual" }, { weight: 100 }]');

    // Abort from the CLI: the canary goes, the stable version is whole, the release says why.
    const first = await pausedDeploy();
    expect(await canaryPods(cluster, project.namespace, "auth")).toBe(1);
    // Verified against the canary after its first weight: the smoke test called its Service.
    expect(first.stdout()).toMatch(/smoke-test: auth 1\.0\.1 at http:\/\/auth-canary\./);
    expect(first.stdout()).toContain("verified: smoke passed");
    // The lock is held across the pause: another deploy to the environment is refused, saying who.
    const meanwhile = await slipwayUnpublished(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(meanwhile.code, meanwhile.stderr).toBe(5);
    expect(meanwhile.stderr).toContain("another deploy holds the lock");
    const abort = await slipway(project.config, "abort", "auth", "--env", "dev", "--reason", "wrong build");
    expect(abort.code, `${abort.stdout}\n${abort.stderr}`).toBe(0);
    expect(await first.exited).toBe(6);
    expect(eventsOf(first.stdout()).find((e) => e.type === "canary-aborted")).toMatchObject({
      reason: expect.stringContaining("wrong build"),
    });
    expect(await canaryPods(cluster, project.namespace, "auth")).toBe(0);
    const aborted = await latestRecord(store, "auth");
    expect(aborted).toMatchObject({ status: "failed", canary: { state: "aborted" } });
    const stable = (await cluster.get("Deployment", "auth", project.namespace)) as {
      spec?: { replicas?: number };
      metadata?: { annotations?: Record<string, string> };
    };
    expect([stable.spec?.replicas, stable.metadata?.annotations?.["slipway.dev/version"]]).toEqual([
      2,
      "1.0.0",
    ]);

    // The same version again: a clean start, paused again; aborted from the dashboard.
    const second = await pausedDeploy();
    const viaUi = await dashboardAction("abort", "seen enough");
    expect(viaUi.status, viaUi.text).toBe(200);
    expect(await second.exited).toBe(6);
    expect(await canaryPods(cluster, project.namespace, "auth")).toBe(0);
    expect((await latestRecord(store, "auth"))?.canary?.decisions).toEqual([
      expect.objectContaining({
        action: "abort",
        reason: "seen enough",
        by: expect.any(String),
      }),
    ]);

    // And again: promoted from the CLI (the spelling), it finishes.
    const third = await pausedDeploy();
    const promote = await slipway(project.config, "promote", "auth", "--env", "dev");
    expect(promote.code, `${promote.stdout}\n${promote.stderr}`).toBe(0);
    expect(await third.exited, third.output()).toBe(0);
    expect(await latestRecord(store, "auth")).toMatchObject({
      status: "deployed",
      version: "1.0.1",
      canary: { state: "promoted" },
    });
    expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
  }, 900_000);

  it("too little traffic is inconclusive, never a pass: it pauses, and a person promotes it from the dashboard, then past a manual pause", async () => {
    withSteps("1.0.2", '[{ weight: 50 }, { analysis: "30s" }, { pause: "manual" }, { weight: 100 }]');
    const running = await pausedDeploy();
    const paused = eventsOf(running.stdout()).find((e) => e.type === "canary-paused");
    expect(paused).toMatchObject({ reason: "inconclusive" });
    const analysis = eventsOf(running.stdout()).find((e) => e.type === "canary-analysis");
    expect(analysis).toMatchObject({ verdict: "inconclusive" });
    console.log(`too little traffic: ${analysis?.type === "canary-analysis" ? analysis.summary : ""}`);
    const viaUi = await dashboardAction("promote", "looked at the logs");
    expect(viaUi.status, viaUi.text).toBe(200);
    // Then the manual pause, promoted from the dashboard too.
    await running.until(
      (stdout) => eventsOf(stdout).filter((e) => e.type === "canary-paused").length === 2,
      "stdout",
    );
    expect(
      eventsOf(running.stdout())
        .filter((e) => e.type === "canary-paused")
        .at(-1),
    ).toMatchObject({
      reason: "manual",
    });
    const again = await dashboardAction("promote", "manual check done");
    expect(again.status, again.text).toBe(200);
    expect(await running.exited, running.output()).toBe(0);
    const record = await latestRecord(store, "auth");
    expect(record).toMatchObject({ status: "deployed", version: "1.0.2", canary: { state: "promoted" } });
    expect(record?.canary?.analyses.map((a) => a.result.verdict)).toEqual(["inconclusive"]);
  }, 600_000);
});
