// The live deploy view (`slipway status --deploy`), read from a process of its own while a real
// `slipway deploy` runs in another, as a second machine would: paused (SIGSTOP) at a step, the
// view shows where it is; killed, it shows the deploy interrupted and resumable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { DeployProgressDocument } from "../../src/output/documents.ts";
import type { DeployEvent } from "../../src/procedure/events.ts";
import { readDeployProgress, type ServiceProgress } from "../../src/status/deploy-progress.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { expectDocument } from "../support/documents.ts";
import { kube, platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";
import { startSlipway, type RunningSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("progress", { node: "simulated" });
const withConfig = (...args: string[]): string[] => [
  ...args,
  "-c",
  project.config,
  "--kubeconfig",
  platform.kubeconfig,
];
const deployArgs = (...services: string[]): string[] => [
  "deploy",
  ...services,
  "--env",
  "dev",
  "--yes",
  "--timeout",
  "60s",
  "-o",
  "jsonl",
];

/** `status --deploy -o json` from a process of its own, checked against the shipped schema. */
async function progress(): Promise<DeployProgressDocument> {
  const r = await runSlipway(withConfig("status", "--env", "dev", "--deploy", "-o", "json"));
  expect(r.code, r.stderr).toBe(0);
  return expectDocument(r.stdout, "DeployProgress");
}

async function progressText(): Promise<string> {
  const r = await runSlipway(withConfig("status", "--env", "dev", "--deploy"));
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const service = (doc: DeployProgressDocument, name: string): ServiceProgress => {
  const found = doc.services.find((s) => s.service === name);
  if (!found) throw new Error(`${name} is not in the view: ${JSON.stringify(doc.services)}`);
  return found;
};
const states = (s: ServiceProgress): Record<string, string> =>
  Object.fromEntries(s.steps.map((step) => [step.step, step.state]));

type Event = DeployEvent & { kind?: string };

/** The deploy's JSON Lines events so far (-o jsonl prints one per line on stdout): whole lines only. */
const eventsIn = (stdout: string): Event[] =>
  stdout
    .split("\n")
    .slice(0, -1)
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Event);

/**
 * `slipway deploy` as its own process; `at` picks the event on which it gets `signal` (SIGSTOP,
 * or SIGKILL), once. Resolves with the process as soon as that happened.
 */
async function deployUntil(
  services: readonly string[],
  at: (e: Event) => boolean,
  signal: "SIGSTOP" | "SIGKILL",
): Promise<RunningSlipway> {
  await publishDefinedVersions(project.config);
  const deploy = startSlipway(project.config, ...deployArgs(...services));
  await deploy.until((stdout) => eventsIn(stdout).some(at), "stdout");
  deploy.child.kill(signal);
  return deploy;
}

afterAll(() => removeExample(project.namespace));

describe("slipway status --deploy: the live deploy, from another process", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const none = await progress();
    expect(none.deploy).toBeUndefined();
    expect(none.services).toEqual([]);
    await publishDefinedVersions(project.config);
    const r = await runSlipway(withConfig(...deployArgs("auth", "mail", "accounting")));
    expect(r.code, r.stderr).toBe(0);
  });

  it("shows a finished deploy: each service deployed, every step done, the lock free", async () => {
    const doc = await progress();
    expect(doc.kind).toBe("DeployProgress");
    expect(doc.deploy?.state).toBe("done");
    expect([...(doc.deploy?.services ?? [])].sort()).toEqual(["accounting", "auth", "mail"]);
    expect(doc.lock).toBeUndefined();
    expect(doc.resumable).toBe(false);
    for (const name of ["auth", "mail", "accounting"]) {
      const s = service(doc, name);
      expect(s.state).toBe("deployed");
      expect(s.revision).toBe(1);
      expect(Object.values(states(s)).every((state) => state === "done")).toBe(true);
    }
    expect(service(doc, "accounting").steps.map((s) => s.step)).toContain("migrate");
    expect(service(doc, "mail").dependsOn).toEqual(["auth"]);
  });

  it("refuses an output format it does not print, naming the flag, before reading anything", async () => {
    const r = await runSlipway(withConfig("status", "--env", "dev", "--deploy", "-o", "yaml"));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain('--output must be table or json, found "yaml"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads with requests that grow with the deploy's services only, not the namespace's", async () => {
    const cluster = Cluster.open("local", platform.kubeconfig);
    await readDeployProgress(cluster, project.namespace, "dev");
    // The journal, the Lease, one LIST each of release metadata, Deployments, Jobs; a record per service.
    expect(cluster.requests).toBe(5 + 3);
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    await publishDefinedVersions(project.config);
    const r = await runSlipway(withConfig(...deployArgs("mail")));
    expect(r.code, r.stderr).toBe(0);
    cluster.requests = 0;
    const doc = await readDeployProgress(cluster, project.namespace, "dev");
    expect(doc.services.map((s) => s.service)).toEqual(["mail"]);
    expect(cluster.requests).toBe(5 + 1);
  });

  it("shows the steps done, the one running and what it waits on, then the deploy finished", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.3"', 'version: "0.9.4"');
    const deploy = await deployUntil(
      ["mail"],
      (e) => e.type === "step-started" && e.service === "mail" && e.step === "rollout",
      "SIGSTOP",
    );
    try {
      const doc = await progress();
      expect(doc.deploy?.state).toBe("running");
      expect(doc.lock?.heldByThisDeploy).toBe(true);
      const mail = service(doc, "mail");
      expect(mail).toMatchObject({ state: "running", version: "0.9.4", revision: 3 });
      const steps = states(mail);
      const order = mail.steps.map((s) => s.step);
      const rollout = order.indexOf("rollout");
      expect(order.slice(0, rollout).every((s) => steps[s] === "done")).toBe(true);
      expect(steps.rollout).toBe("running");
      expect(order.slice(rollout + 1).every((s) => steps[s] === "pending")).toBe(true);
      expect(mail.steps[rollout]?.waitsOn).toMatch(/^\d+\/1 pods ready$/);
      const text = await progressText();
      expect(text).toMatch(/✓ apply {2}▶ rollout \(\d+\/1 pods ready\) {2}· verify/);
      expect(text).toContain("RUNNING");
    } finally {
      deploy.child.kill("SIGCONT");
    }
    expect(await deploy.exited).toBe(0);
    const after = await progress();
    expect(after.deploy?.state).toBe("done");
    expect(service(after, "mail").state).toBe("deployed");
    expect(Object.values(states(service(after, "mail"))).every((s) => s === "done")).toBe(true);
  });

  it("shows a running migration Job by name, with its pods' logs inline", async () => {
    project.edit("services/accounting/service.ts", 'version: "2.3.1"', 'version: "2.3.2"');
    const deploy = await deployUntil(
      ["accounting"],
      (e) => e.type === "step-progress" && e.service === "accounting" && e.step === "migrate",
      "SIGSTOP",
    );
    try {
      const accounting = service(await progress(), "accounting");
      const migrate = accounting.steps.find((s) => s.step === "migrate");
      expect(migrate?.state).toBe("running");
      expect(migrate?.waitsOn).toMatch(/^Job accounting-migrate-r2: /);
      expect(accounting.jobLogs.map((j) => j.job)).toEqual(["accounting-migrate-r2"]);
      expect(await progressText()).toContain("logs of Job accounting-migrate-r2:");
    } finally {
      deploy.child.kill("SIGCONT");
    }
    expect(await deploy.exited).toBe(0);
    expect(service(await progress(), "accounting").jobLogs).toEqual([]);
  });

  it("shows a failing version's failed rollout and its rollback, and its dependent skipped", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
    project.edit(
      "services/auth/service.ts",
      "    port: 8080,",
      `    port: 8080,\n    podLabels: { "${failPodLabel}": "true" },`,
    );
    project.edit("services/mail/service.ts", 'version: "0.9.4"', 'version: "0.9.5"');
    const deploy = await deployUntil(
      ["auth", "mail"],
      (e) => e.type === "rollback" && e.service === "auth" && e.phase === "started",
      "SIGSTOP",
    );
    try {
      const doc = await progress();
      const auth = service(doc, "auth");
      expect(states(auth).rollout).toBe("failed");
      expect(auth.rollback).toEqual({ toRevision: 1, state: "running" });
      const mail = service(doc, "mail");
      expect(mail).toMatchObject({ state: "pending", waitsOn: "waiting for auth" });
      expect(Object.values(states(mail)).every((s) => s === "pending")).toBe(true);
    } finally {
      deploy.child.kill("SIGCONT");
    }
    expect(await deploy.exited).toBe(ExitCode.rolledBack);
    const doc = await progress();
    expect(doc.deploy?.state).toBe("failed");
    const auth = service(doc, "auth");
    expect(auth.state).toBe("rolled-back");
    expect(auth.rollback).toMatchObject({ toRevision: 1, state: "succeeded" });
    const steps = states(auth);
    expect(steps.rollout).toBe("failed");
    expect(auth.steps.find((s) => s.step === "rollout")?.message).toMatch(/^rollout failed: pod failed: /);
    expect(steps.record).toBe("skipped");
    const mail = service(doc, "mail");
    expect(mail).toMatchObject({ state: "skipped", blockedBy: ["auth"] });
    expect(Object.values(states(mail)).every((s) => s === "skipped")).toBe(true);
    const text = await progressText();
    expect(text).toContain("✗ rollout");
    expect(text).toContain("rollback to r1: succeeded");
    expect(text).toContain("blocked by: auth");
    // auth back to the version that runs
    project.edit("services/auth/service.ts", `\n    podLabels: { "${failPodLabel}": "true" },`, "");
  });

  it("shows a deploy killed mid-way as interrupted and resumable, and a re-run finishes it", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.1"', 'version: "1.0.2"');
    const killed = await deployUntil(
      ["auth", "mail"],
      (e) => e.type === "step-started" && e.service === "auth" && e.step === "rollout",
      "SIGKILL",
    );
    await killed.exited;
    const doc = await progress();
    expect(doc.deploy?.state).toBe("interrupted");
    expect(doc.resumable).toBe(true);
    expect(doc.deploy?.message).toContain("run slipway deploy -e dev auth mail again to resume");
    const auth = service(doc, "auth");
    expect(auth.state).toBe("interrupted");
    expect(states(auth)).toMatchObject({ apply: "done", rollout: "interrupted", record: "pending" });
    expect(service(doc, "mail").state).toBe("interrupted");
    const text = await progressText();
    expect(text).toContain("Interrupted — resumable: run slipway deploy -e dev auth mail again");
    expect(text).toContain("‖ rollout");

    const again = await runSlipway(withConfig(...deployArgs("auth", "mail")));
    expect(again.code, again.stderr).toBe(0);
    const after = await progress();
    expect(after.deploy?.state).toBe("done");
    expect(after.resumable).toBe(false);
    expect(service(after, "auth")).toMatchObject({ state: "deployed", version: "1.0.2" });
    expect(service(after, "mail")).toMatchObject({ state: "deployed", version: "0.9.5" });
    const live = await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "auth" });
    expect(live.metadata?.annotations?.["slipway.dev/version"]).toBe("1.0.2");
  });
});
