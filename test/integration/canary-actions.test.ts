// A person's promote and abort of a canary, from the CLI (the installed binary) and from the
// dashboard: their refusals, their JSON document, --wait, and the deploy guard while a canary
// waits. Each test writes the state the canary step leaves (a pending release with a canary
// record, the canary Deployment with no pods); where a running deploy is needed, a STAND-IN plays
// it (holding the lock, taking the decision), so a test can also be a deploy that does not take
// it in time. The same actions against real canaries, taken by real deploys, are in
// canary-pauses.test.ts and kill-canary.test.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearDecision, readDecision } from "../../src/canary/decision.ts";
import type { CanaryRecord } from "../../src/canary/record.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { deployer } from "../../src/procedure/identity.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import type { ReleaseRecord } from "../../src/release/record.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { startDashboard, type RunningDashboard } from "../support/dashboard.ts";
import {
  deploySharedConfigOwner,
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { expectDocument } from "../support/documents.ts";
import { eventually, kube, platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";

const project = isolatedExample("canary-act", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const ns = project.namespace;
const slipway = (...args: string[]) =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", platform.kubeconfig]);

const steps: CanaryRecord["steps"] = [
  { kind: "weight", weight: 25 },
  { kind: "analysis", window: "30s", windowMs: 30_000 },
  { kind: "pause" },
  { kind: "weight", weight: 100 },
];

/**
 * What the canary step leaves when it stops at `at` (killed there, or waiting): a pending
 * revision of auth with the objects revision 1 deployed (so `slipway deploy -e dev auth` resumes
 * it), and auth-canary with no pods.
 */
async function canaryOfAuth(
  revision: number,
  at: number,
  state: "running" | "paused",
): Promise<ReleaseRecord> {
  const deployed = await store.get("auth", 1);
  const since = new Date().toISOString();
  const record: ReleaseRecord = {
    ...deployed,
    revision,
    status: "pending",
    startedAt: since,
    description: "canary of the same objects (test)",
    steps: deployed.steps.filter((s) => ["gate", "check-migrations", "migrate", "apply"].includes(s.step)),
    canary: {
      steps,
      at,
      weight: 25,
      split: { canary: 1, stable: 1 },
      replicas: 1,
      stableVersion: deployed.version,
      state,
      ...(state === "paused"
        ? { paused: { step: at, reason: "manual", since, message: "waits for a person" } }
        : {}),
      analyses: [],
      decisions: [],
    },
  };
  delete record.finishedAt;
  const exists = (await store.summaries("auth")).some((s) => s.revision === revision);
  await (exists ? store.update(record) : store.create(record));
  if (!(await cluster.get("Deployment", "auth-canary", ns)))
    await kube.apps().createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: "auth-canary" },
        spec: {
          replicas: 0,
          selector: { matchLabels: { test: "auth-canary" } },
          template: {
            metadata: { labels: { test: "auth-canary" } },
            spec: { containers: [{ name: "auth", image: "registry.invalid/auth:canary" }] },
          },
        },
      },
    });
  return record;
}

/** Plays the deploy that runs the canary: waits for a decision, takes it (clears it), returns it. */
async function takeDecision() {
  const decision = await eventually(
    () => readDecision(cluster, ns, "auth-canary"),
    (d) => d !== undefined,
    "a decision on auth-canary",
    60_000,
  );
  await clearDecision(cluster, ns, "auth-canary");
  return decision;
}

/** The deploy lock held by this test process: a live deploy, as far as anyone can tell. */
async function withLiveDeploy<T>(work: (holder: string) => Promise<T>): Promise<T> {
  const lock = new DeployLock(cluster, ns);
  await lock.acquire();
  try {
    return await work(lock.holderIdentity);
  } finally {
    await lock.release();
  }
}

let me: string;

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config); // auth revision 1, deployed
  me = await deployer(cluster);
}, 300_000);
afterAll(() => removeExample(ns));

describe("slipway canary promote|abort, slipway promote SERVICE -e ENV, slipway abort", () => {
  it("says what runs instead when no canary runs (exit 4), and refuses bad input (exit 2)", async () => {
    const deployed = await slipway("canary", "promote", "auth", "-e", "dev");
    expect(deployed.code, deployed.stderr).toBe(4);
    expect(deployed.stderr).toMatch(
      /^error: no canary of auth runs in dev: its last release, revision 1 \(\S+\), is deployed\n$/,
    );
    const never = await slipway("abort", "files", "-e", "dev", "--reason", "r");
    expect(never.code, never.stderr).toBe(4);
    expect(never.stderr).toContain("no canary of files runs in dev: it was never deployed there");

    const noReason = await slipway("canary", "abort", "auth", "-e", "dev");
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("error: abort needs --reason");
    const noService = await slipway("canary", "promote", "nosuch", "-e", "dev");
    expect(noService.code).toBe(2);
    expect(noService.stderr).toContain('no service "nosuch"');
    const noEnv = await slipway("promote", "auth", "-e", "nowhere");
    expect(noEnv.code).toBe(2);
    const mixed = await slipway("promote", "auth", "-e", "dev", "--from", "dev", "--to", "prod");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("promote takes either --from and --to (a promotion) or -e");
    for (const r of [deployed, never, noReason, noService, noEnv, mixed])
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("refuses to promote a canary that is not paused (exit 2)", async () => {
    await canaryOfAuth(2, 1, "running");
    const r = await slipway("canary", "promote", "auth", "-e", "dev");
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      "error: the canary of auth is at step 2 of 4 (analysis), not paused: promote goes past a pause",
    );
    expect(await readDecision(cluster, ns, "auth-canary")).toBeUndefined();
  });

  it("gives a promote to a paused canary, taken by the live deploy that runs it (-o json)", async () => {
    await canaryOfAuth(2, 2, "paused");
    await withLiveDeploy(async (holder) => {
      const running = slipway(
        "canary",
        "promote",
        "auth",
        "-e",
        "dev",
        "--reason",
        "looks good",
        "-o",
        "json",
      );
      const taken = await takeDecision();
      const r = await running;
      expect(r.code, r.stderr).toBe(0);
      expect(taken).toEqual({
        action: "promote",
        by: me,
        at: expect.any(String),
        step: 2,
        reason: "looks good",
      });
      const doc = expectDocument(r.stdout, "CanaryAction");
      expect(doc).toMatchObject({
        environment: "dev",
        service: "auth",
        revision: 2,
        outcome: "taken",
        deployer: holder,
        decision: { action: "promote", step: 2, by: me },
      });
      expect(r.stderr).toContain(`taken by the deploy that runs it: ${holder}`);
    });
  });

  it("gives an abort with its reason; a live deploy that does not take it within --wait leaves it waiting", async () => {
    await withLiveDeploy(async (holder) => {
      const r = await slipway("abort", "auth", "-e", "dev", "--reason", "errors on upload", "--wait", "2s");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`the deploy that runs it (${holder}) had not taken it within 2s`);
      expect(await readDecision(cluster, ns, "auth-canary")).toMatchObject({
        action: "abort",
        reason: "errors on upload",
        step: 2,
        by: me,
      });
      await clearDecision(cluster, ns, "auth-canary");
    });
  });

  it("slipway promote SERVICE -e ENV is the canary's promote", async () => {
    await withLiveDeploy(async () => {
      const running = slipway("promote", "auth", "-e", "dev");
      expect(await takeDecision()).toMatchObject({ action: "promote", step: 2 });
      const r = await running;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("auth: canary promote given at step 3 (revision 2");
    });
  });

  it("refuses a deploy that leaves the waiting canary's service out (exit 4), before it changes anything", async () => {
    await publishDefinedVersions(project.config);
    const r = await slipway("deploy", "-e", "dev", "mail", "--yes");
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(
      "error: refused: a canary of auth (revision 2, step 3 of 4, paused: manual) waits in dev: promote or abort it (slipway canary promote|abort auth -e dev), or resume it with slipway deploy -e dev auth; nothing was deployed",
    );
    expect(await store.summaries("mail")).toEqual([]);
    expect(await cluster.get("Lease", "slipway-deploy-lock", ns)).toBeUndefined();
  });

  it("says an unreachable cluster in one line (exit 1)", async () => {
    const kubeconfig = join(tmpdir(), `canary-act-${process.pid}.kubeconfig`);
    writeFileSync(
      kubeconfig,
      readFileSync(platform.kubeconfig, "utf8").replace(
        /server: https?:\/\/[^\s]+/g,
        "server: https://127.0.0.1:9",
      ),
    );
    const r = await runSlipway([
      "canary",
      "promote",
      "auth",
      "-e",
      "dev",
      "-c",
      project.config,
      "--kubeconfig",
      kubeconfig,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach the cluster at 127\.0\.0\.1:9: .*\n$/);
  });

  it("does not resume a killed canary deploy whose definitions changed since (exit 4); the decision stays", async () => {
    const record = await store.get("auth", 2);
    await store.update({ ...record, objectsHash: "objects of another version" });
    try {
      const r = await slipway("abort", "auth", "-e", "dev", "--reason", "stuck");
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(
        "error: no deploy runs the canary of auth (revision 2) and its definitions changed since that deploy began, so it was not resumed",
      );
      expect(await readDecision(cluster, ns, "auth-canary")).toMatchObject({
        action: "abort",
        reason: "stuck",
      });
      expect((await store.summaries("auth")).find((s) => s.revision === 2)?.status).toBe("pending");
    } finally {
      await clearDecision(cluster, ns, "auth-canary");
      await store.update(record);
    }
  });
});

describe("the dashboard's canary actions", () => {
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard(project.config, "--env", "dev");
  });
  afterAll(() => dashboard?.stop());

  const post = (path: string, fields: Record<string, string>) =>
    fetch(`${dashboard.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: dashboard.url },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
  const tokenOf = async (path: string) => {
    const page = await (await fetch(`${dashboard.url}${path}`)).text();
    return { page, csrf: /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "" };
  };

  it("refuses an abort without a reason (400) and a forged one (403)", async () => {
    const { csrf } = await tokenOf("/actions/canary/abort?env=dev&service=auth");
    const noReason = await post("/actions/canary/abort", { csrf, env: "dev", service: "auth" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("an abort of the canary of auth needs a reason");
    const forged = await post("/actions/canary/abort", {
      csrf: `${csrf}x`,
      env: "dev",
      service: "auth",
      reason: "x",
    });
    expect(forged.status).toBe(403);
    expect(await readDecision(cluster, ns, "auth-canary")).toBeUndefined();
  });
});
