// SIGKILL at every step of the procedure: the kill points come from the procedure's own list
// (src/procedure/steps), so a new step gets its kill test without anyone adding one. Each
// iteration deploys a mail version that needs every step (a new migration pair, a new audited
// field, a CronJob to prune), kills the real `slipway deploy` process when the step starts,
// asserts where it died, runs the deploy again, and checks that it converged. One suite per
// phase of the procedure (test/integration/kill-*.test.ts), so the two run side by side.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { DeployEvent } from "../../src/procedure/events.ts";
import type { Phase } from "../../src/procedure/step.ts";
import { procedure } from "../../src/procedure/steps/index.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "./deploy-project.ts";
import { kube, platform } from "./platform.ts";
import { startSlipway } from "./slipway-process.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

/** The kill tests of the steps of one phase, in a namespace of their own. */
export function killSuite(phase: Phase): void {
  const project = isolatedExample(`kill-${phase === "before-rollout" ? "before" : "rollout"}`, {
    node: "simulated",
  });
  const cluster = Cluster.open("local", platform.kubeconfig);
  const store = new ReleaseStore(cluster, project.namespace);
  // --reclaim: each version also has a variable added by hand to remove (the reclaim step).
  const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "60s", "-o", "jsonl"];
  deploy.push("--reclaim");
  const mailDir = join(project.root, "services", "mail");
  const original = readFileSync(join(mailDir, "service.ts"), "utf8");
  const originalCall = JSON.parse(readFileSync(join(mailDir, "calls", "send.request.json"), "utf8")) as {
    properties: Record<string, unknown>;
  };

  type Event = DeployEvent & { kind?: string };
  const eventsOf = (stdout: string): Event[] =>
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Event);

  /**
   * Mail version `n`: everything a deploy can do has something to do. Two new migration files,
   * one new optional field in its audited call, the CronJob of version n-1 gone and one of its own.
   */
  let k0 = "string"; // its type; turned into integer once, to force the audit index to roll over
  function writeVersion(n: number, extra: { failingPods?: boolean; rollOver?: boolean } = {}): string {
    if (extra.rollOver) k0 = "integer";
    const version = `1.${phase === "before-rollout" ? 1 : 2}.${n}`;
    writeFileSync(
      join(mailDir, "service.ts"),
      original
        .replace('version: "0.9.2"', `version: "${version}"`)
        .replace(
          "    port: 8080,",
          `    port: 8080,${extra.failingPods ? `\n    podLabels: { "${failPodLabel}": "true" },` : ""}`,
        )
        .replace(
          '  secrets: ["mail-smtp"],',
          `  secrets: ["mail-smtp"],\n  cronJobs: { "k${n}": { schedule: "0 3 * * *", args: ["--run-script", "k"] } },`,
        ),
    );
    for (const part of ["a", "b"])
      writeFileSync(
        join(mailDir, "migrations", `V${10 + 2 * n + (part === "b" ? 1 : 0)}__k${n}${part}.sql`),
        `set lock_timeout = '5s';\nalter table outbox add column k${n}${part} text;\n`,
      );
    const call = structuredClone(originalCall);
    for (let i = 0; i <= n; i++) call.properties[`k${i}`] = { type: i === 0 ? k0 : "string" };
    writeFileSync(join(mailDir, "calls", "send.request.json"), JSON.stringify(call, null, 2));
    return version;
  }

  /** A variable added to mail's Deployment by another field manager: the deploy's reclaim step has work. */
  const addedByHand = (n: number): Promise<unknown> =>
    cluster.request({
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${project.namespace}/deployments/mail`,
      query: { fieldManager: "hand-edit" },
      contentType: "application/json-patch+json",
      body: [
        {
          op: "add",
          path: "/spec/template/spec/containers/0/env/-",
          value: { name: `BY_HAND_${n}`, value: "x" },
        },
      ],
    });

  /** Runs the deploy as its own process and SIGKILLs it at the first event `at` accepts. */
  const deployKilledAt = (at: (e: Event) => boolean): Promise<Killed> =>
    deployKilledAtFor(["auth", "mail"], at);

  /** What a killed deploy said before it died, and its process id (its lock names it). */
  interface Killed {
    readonly killed?: Event;
    readonly events: Event[];
    readonly pid: number;
  }

  async function deployKilledAtFor(services: readonly string[], at: (e: Event) => boolean): Promise<Killed> {
    await publishDefinedVersions(project.config);
    const args = ["deploy", ...services, ...deploy.slice(3)];
    const running = startSlipway(project.config, ...args);
    const killedAt = (stdout: string): Event | undefined => eventsOf(stdout).find(at);
    const hit = await running
      .until((stdout) => killedAt(stdout) !== undefined, "stdout")
      .then(
        () => running.child.kill("SIGKILL"),
        () => false,
      );
    await running.exited;
    // Output only grows: the first event `at` accepts is still the one it was killed at.
    const killed = hit ? killedAt(running.stdout()) : undefined;
    return {
      ...(killed ? { killed } : {}),
      events: eventsOf(running.stdout()),
      pid: running.child.pid ?? -1,
    };
  }

  async function flywayVersions(): Promise<{ version: string; runs: number; failed: number }[]> {
    const database = `${project.namespace}_mail`.replace(/[^a-z0-9_]/g, "_");
    const client = new pg.Client({
      connectionString: `postgresql://${platform.secrets.postgresUser}:${encodeURIComponent(platform.secrets.postgresPassword)}@${platform.postgres.host}:${platform.postgres.port}/${database}`,
    });
    await client.connect();
    try {
      const rows = await client.query<{ version: string; runs: string; failed: string }>(
        `select version, count(*) as runs, count(*) filter (where not success) as failed
         from flyway_schema_history where version is not null group by version order by version`,
      );
      return rows.rows.map((r) => ({ version: r.version, runs: Number(r.runs), failed: Number(r.failed) }));
    } finally {
      await client.end();
    }
  }

  /** The re-run converged: no migration twice, one release, nothing pending or drifted, the index verified. */
  async function expectConverged(version: string, n: number): Promise<void> {
    const history = await flywayVersions();
    expect(history.filter((h) => h.runs !== 1 || h.failed !== 0)).toEqual([]);
    const releases = await store.summaries("mail");
    expect(releases.filter((r) => r.status === "pending")).toEqual([]);
    expect(releases.filter((r) => r.version === version)).toEqual([
      expect.objectContaining({ status: "deployed" }),
    ]);
    const plan = await slipway(project.config, "plan", "--env", "dev", "auth", "mail", "--detailed-exitcode");
    expect(plan.code, plan.stdout).toBe(0);
    const drift = await slipway(project.config, "drift", "--env", "dev", "mail");
    expect(drift.code, drift.stdout).toBe(0);
    const audit = await slipway(project.config, "audit", "status", "--env", "dev", "mail");
    expect(audit.code, audit.stdout).toBe(0);
    const cronJobs = await kube.batch().listNamespacedCronJob({ namespace: project.namespace });
    expect(cronJobs.items.map((c) => c.metadata?.name)).toEqual([`mail-k${n}`]);
  }

  afterAll(() => removeExample(project.namespace));

  describe(`a deploy SIGKILLed at each step of the procedure (${phase})`, () => {
    beforeAll(async () => {
      await provisionExampleDatabases(project.config, "dev");
      writeVersion(0);
      const r = await slipway(project.config, ...deploy);
      expect(r.code, r.stderr).toBe(0);
    });

    // During each step (killed as it starts), and between a migration's two files.
    // A step that runs instead of others (the canary) has its kill points in its own suite
    // (test/integration/kill-canary.test.ts): mail rolls out plainly here.
    const plain = procedure.filter((step) => !step.replaces);
    const points: [string, (e: Event) => boolean, string][] = [
      ...plain
        .filter((step) => step.phase === phase)
        .map((step): [string, (e: Event) => boolean, string] => [
          `as ${step.name} starts`,
          (e) => e.type === "step-started" && e.service === "mail" && e.step === step.name,
          step.name,
        ]),
    ];
    if (phase === "before-rollout")
      points.push([
        "between two migration files",
        (e) =>
          e.type === "step-progress" && e.step === "migrate" && e.message.startsWith("migrating: applied V"),
        "migrate",
      ]);

    // A change of the audited call that its index mapping cannot take: a roll-over, then a kill
    // before the new write index is read back and verified.
    if (phase === "before-rollout")
      points.push([
        "after the audit index rolled over, before it was verified",
        (e) =>
          e.type === "step-progress" &&
          e.step === "audit-index" &&
          /rolled .* over .*; verifying$/.test(e.message),
        "audit-index",
      ]);

    points.forEach(([when, at, stepName], i) => {
      it(`converges when run again (killed ${when})`, async () => {
        const version = writeVersion(i + 1, { rollOver: when.includes("rolled over") });
        await addedByHand(i + 1);
        const killed = await deployKilledAt(at);
        expect(killed.killed, JSON.stringify(killed.events.slice(-3))).toBeDefined();
        const started = killed.events.find((e) => e.type === "service-started" && e.service === "mail");
        expect(started).toBeDefined();
        const planned = killed.events[0] as unknown as { steps: { service: string; step: string }[] };
        const steps = planned.steps.filter((s) => s.service === "mail").map((s) => s.step);
        expect(steps, "this version needs every step").toEqual(plain.map((s) => s.name));

        const again = await slipway(project.config, ...deploy);
        expect(again.code, again.stderr).toBe(0);
        const events = eventsOf(again.stdout);
        expect(events.some((e) => e.type === "lock-taken-over")).toBe(true);
        const resumed = events.find((e) => e.type === "service-started" && e.service === "mail");
        // Where it died: before the step finished, or just after (the kill lands as it journals).
        const before = steps.slice(0, steps.indexOf(stepName));
        const through = steps.slice(0, steps.indexOf(stepName) + 1);
        expect(resumed?.type === "service-started" ? resumed.resumedAfter : undefined).toSatisfy(
          (after: string[] | undefined) =>
            JSON.stringify(after) === JSON.stringify(before) ||
            JSON.stringify(after) === JSON.stringify(through),
        );
        await expectConverged(version, i + 1);
      });
    });

    if (phase === "before-rollout")
      it("converges when killed while a migration Job runs (job mode): the re-run waits for the same Job", async () => {
        const jobs = async (): Promise<string[]> =>
          (await kube.batch().listNamespacedJob({ namespace: project.namespace })).items
            .map((j) => j.metadata?.name ?? "")
            .filter((n) => n.startsWith("accounting-migrate-"))
            .sort();
        const accounting = join(project.root, "services", "accounting", "service.ts");
        writeFileSync(
          accounting,
          readFileSync(accounting, "utf8").replace('version: "2.3.1"', 'version: "2.4.0"'),
        );
        const killed = await deployKilledAtFor(
          ["accounting"],
          (e) => e.type === "step-progress" && e.service === "accounting" && e.step === "migrate",
        );
        expect(killed.killed).toBeDefined();
        const revision = (await store.summaries("accounting"))[0]?.revision;
        const before = await jobs();
        expect(before).toContain(`accounting-migrate-r${revision}`);
        const again = await slipway(
          project.config,
          "deploy",
          "accounting",
          "--env",
          "dev",
          "--yes",
          "-o",
          "jsonl",
        );
        expect(again.code, again.stderr).toBe(0);
        const resumed = eventsOf(again.stdout).find(
          (e) => e.type === "service-started" && e.service === "accounting",
        );
        expect(resumed?.type === "service-started" ? resumed.resumedAfter : undefined).toEqual([
          "gate",
          "check-migrations",
        ]);
        // The Job the killed deploy started was waited for, not started a second time.
        expect(await jobs()).toEqual(before);
        const releases = await store.summaries("accounting");
        expect(releases.filter((r) => r.status === "pending")).toEqual([]);
        expect(releases.filter((r) => r.version === "2.4.0")).toEqual([
          expect.objectContaining({ status: "deployed" }),
        ]);
      });

    if (phase === "rollout")
      it("converges when killed during an automatic rollback", async () => {
        const good = (await store.summaries("mail")).find((r) => r.status === "deployed");
        writeVersion(points.length + 1, { failingPods: true });
        const killed = await deployKilledAt((e) => e.type === "rollback" && e.phase === "started");
        expect(killed.killed).toBeDefined();
        const begun = killed.events.find((e) => e.type === "service-started" && e.service === "mail");
        const revision = begun?.type === "service-started" ? begun.revision : -1;
        const again = await slipway(project.config, ...deploy);
        expect(again.code, again.stderr).toBe(ExitCode.rolledBack);
        const events = eventsOf(again.stdout);
        // A fresh deploy of the same failing version would roll back too: what tells them apart
        // is that this one took the killed one's lock over and finished its rollback, on its
        // release, without trying the rollout again.
        expect(events).toContainEqual(
          expect.objectContaining({
            type: "lock-taken-over",
            from: expect.stringMatching(new RegExp(` pid ${killed.pid} \\(`)) as string,
          }),
        );
        const resumed = events.find((e) => e.type === "service-started" && e.service === "mail");
        expect(resumed).toMatchObject({
          revision,
          resumedAfter: expect.arrayContaining(["apply"]) as string[],
        });
        expect(events.filter((e) => e.type === "step-started" && e.service === "mail")).toEqual([]);
        expect(events.filter((e) => e.type === "rollback" && e.phase !== "progress")).toEqual([
          expect.objectContaining({
            phase: "started",
            message: `resuming the interrupted rollback to revision ${good?.revision} (${good?.version})`,
          }),
          expect.objectContaining({ phase: "finished", successful: true }),
        ]);
        const record = await store.get("mail", revision);
        expect(record).toMatchObject({ status: "failed", rollback: { outcome: "succeeded" } });
        expect(record.steps.filter((s) => s.status === "failed").map((s) => s.step)).toEqual(["rollout"]);
        expect((await store.summaries("mail"))[0]?.revision).toBe(revision);
        const mail = await kube
          .apps()
          .readNamespacedDeployment({ namespace: project.namespace, name: "mail" });
        expect(mail.metadata?.annotations?.["slipway.dev/version"]).toBe(good?.version);
        const releases = await store.summaries("mail");
        expect(releases.filter((r) => r.status === "pending")).toEqual([]);
        expect(releases.find((r) => r.status === "deployed")?.revision).toBe(good?.revision);
        expect((await flywayVersions()).filter((h) => h.runs !== 1 || h.failed !== 0)).toEqual([]);
      });
  });
}
