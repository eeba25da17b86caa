// Notifications through the installed binary, on the local platform: one message per deploy,
// updated in place (one id, rising sequence numbers, each body signed with HMAC-SHA256), the
// outcome mailed to the platform's real SMTP server (Mailpit), receivers that fail (500, refused)
// not holding the deploy back, every delivery's outcome in the release record, and a failing
// deploy retried alerting a failures-only destination once.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import type { ReleaseMessage } from "../../src/notify/message.ts";
import { incidentsName } from "../../src/notify/incidents.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { mailServer, mailTo, requireMailServer } from "../support/mail.ts";
import { kube, platform } from "../support/platform.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";
import { refusedPort, startReceiver, type Received } from "../support/webhook-receiver.ts";

const project = isolatedExample("notify", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const signingKey = randomBytes(16).toString("hex");
const smtpPassword = randomBytes(16).toString("hex");
const mailbox = `team-${randomBytes(4).toString("hex")}@example.test`;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const deployAuth = (): Promise<SlipwayResult> =>
  runSlipway(
    [
      "deploy",
      "auth",
      "--env",
      "dev",
      "--yes",
      "--timeout",
      "60s",
      "-c",
      project.config,
      "--kubeconfig",
      platform.kubeconfig,
    ],
    { env: { NOTIFY_SMTP_PASSWORD: smtpPassword } },
  );

const slipwayHere = (...args: string[]): Promise<SlipwayResult> =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", platform.kubeconfig], {
    env: { NOTIFY_SMTP_PASSWORD: smtpPassword },
  });

const on = (path: string): Received[] => receiver.received.filter((r) => r.path === path);
const parsed = (r: Received): ReleaseMessage & { kind: string } =>
  JSON.parse(r.body) as ReleaseMessage & { kind: string };
const ids = (path: string): string[] => [...new Set(on(path).map((r) => parsed(r).id))];

afterAll(async () => {
  await receiver.close();
  await removeExample(project.namespace);
});

describe("one message per deploy, kept current", () => {
  beforeAll(async () => {
    await requireMailServer();
    receiver = await startReceiver();
    const refused = await refusedPort();
    const destinations = [
      {
        name: "ops",
        type: "webhook",
        url: `${receiver.url}/hook`,
        signingKey: { secret: "notify-hmac", key: "key" },
      },
      {
        name: "oncall",
        type: "webhook",
        on: "failures",
        repeatWindow: "1h",
        url: `${receiver.url}/alerts`,
        signingKey: { secret: "notify-hmac", key: "key" },
      },
      {
        name: "team",
        type: "email",
        smtp: {
          host: mailServer.smtp.host,
          port: mailServer.smtp.port,
          tls: "none",
          username: "slipway",
          password: { env: "NOTIFY_SMTP_PASSWORD" },
        },
        from: "slipway@example.test",
        to: [mailbox],
      },
      {
        name: "erroring",
        type: "webhook",
        url: `${receiver.url}/fail`,
        signingKey: { secret: "notify-hmac", key: "key" },
      },
      {
        name: "gone",
        type: "webhook",
        url: `http://127.0.0.1:${refused}/hook`,
        signingKey: { secret: "notify-hmac", key: "key" },
      },
    ];
    project.edit(
      "slipway.config.ts",
      'const dev = defineEnvironment({\n  name: "dev",',
      `const dev = defineEnvironment({\n  name: "dev",\n  notifications: ${JSON.stringify(destinations)},`,
    );
    await provisionExampleDatabases(project.config, "dev");
    await kube.core().createNamespacedSecret({
      namespace: project.namespace,
      body: { metadata: { name: "notify-hmac" }, stringData: { key: signingKey } },
    });
    await publishDefinedVersions(project.config);
  });

  it("a deploy sends one message, updated with rising sequence numbers, each body signed", async () => {
    const started = Date.now();
    const r = await deployAuth();
    expect(r.code, r.stderr).toBe(0);
    const hook = on("/hook");
    expect(hook.length).toBeGreaterThanOrEqual(3);
    expect(ids("/hook")).toHaveLength(1);
    const sequences = hook.map((h) => parsed(h).sequence);
    expect(sequences[0]).toBe(1);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    for (const h of hook) {
      const expected = `sha256=${createHmac("sha256", signingKey).update(h.body).digest("hex")}`;
      expect(h.headers["x-slipway-signature"]).toBe(expected);
      expect(h.headers["x-slipway-message-id"]).toBe(parsed(h).id);
      expect(h.headers["x-slipway-sequence"]).toBe(String(parsed(h).sequence));
    }
    const first = parsed(hook[0] as Received);
    const last = parsed(hook.at(-1) as Received);
    expect(first).toMatchObject({ kind: "SlipwayReleaseMessage", action: "deploy", outcome: "running" });
    expect(first.services).toEqual([{ service: "auth", to: "1.0.0" }]);
    expect(last).toMatchObject({ outcome: "succeeded", environment: "dev", project: "research-cloud" });
    expect(last.by).toMatch(/\S/);
    expect(last.services[0]).toMatchObject({
      service: "auth",
      to: "1.0.0",
      revision: 1,
      outcome: "deployed",
    });
    // The steps went by: some update named the rollout as the current step.
    expect(hook.some((h) => /auth: rollout/.test(parsed(h).current ?? ""))).toBe(true);
    // Failures only: nothing failed, nothing sent.
    expect(on("/alerts")).toEqual([]);

    // The outcome, mailed once to the real SMTP server.
    const mails = await mailTo(mailbox);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe("research-cloud/dev: deploy of auth 1.0.0 succeeded");
    expect(mails[0]?.headers["X-Slipway-Message-Id"]).toEqual([last.id]);
    expect(mails[0]?.text).toContain("auth: 1.0.0 (revision 1): deployed");

    // Failing receivers were retried and given up, and held nothing back.
    expect(on("/fail").length).toBeGreaterThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(r.stderr).toContain("notification ops (webhook): delivered");
    expect(r.stderr).toMatch(
      /notification erroring \(webhook\): failed, 0 update\(s\) sent in \d+ attempt\(s\): the receiver answered HTTP 500/,
    );
    expect(r.stderr).toMatch(/notification gone \(webhook\): failed, .*ECONNREFUSED/);

    const record = await store.get("auth", 1);
    expect(record.status).toBe("deployed");
    const byName = new Map((record.notifications ?? []).map((d) => [d.destination, d]));
    expect(byName.get("ops")).toMatchObject({
      outcome: "delivered",
      messageId: last.id,
      lastSequence: last.sequence,
      sent: hook.length,
    });
    expect(byName.get("team")).toMatchObject({ type: "email", outcome: "delivered", sent: 1 });
    expect(byName.get("oncall")).toMatchObject({ outcome: "filtered", sent: 0 });
    expect(byName.get("erroring")).toMatchObject({
      outcome: "failed",
      sent: 0,
      error: "the receiver answered HTTP 500",
    });
    expect(byName.get("gone")?.outcome).toBe("failed");
    expect(byName.get("gone")?.error).toContain("ECONNREFUSED");
    expect(JSON.stringify(record)).not.toContain(signingKey);
  });

  it("a failing deploy retried alerts once per incident; each deploy keeps its own message", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
    project.edit(
      "services/auth/service.ts",
      "    port: 8080,",
      `    port: 8080,\n    podLabels: { "${failPodLabel}": "true" },`,
    );
    await publishDefinedVersions(project.config);
    const before = ids("/hook").length;
    const first = await deployAuth();
    expect(first.code, first.stderr).toBe(ExitCode.rolledBack);
    const second = await deployAuth();
    expect(second.code, second.stderr).toBe(ExitCode.rolledBack);

    // Two deploys, two messages to the destination that takes every deploy.
    const deploys = ids("/hook").slice(before);
    expect(deploys).toHaveLength(2);
    // One alert: the first failure's message, kept current to its end; the retry sent none.
    const alerts = on("/alerts").map(parsed);
    expect(new Set(alerts.map((a) => a.id))).toEqual(new Set([deploys[0]]));
    const lastAlert = alerts.at(-1);
    expect(lastAlert).toMatchObject({ outcome: "rolled-back" });
    expect(lastAlert?.failures[0]).toMatchObject({ service: "auth", version: "1.0.1", step: "rollout" });
    expect(second.stderr).toContain("notification oncall (webhook): deduplicated");

    // The second deploy's own message says it is the same failure again.
    const retried = on("/hook")
      .map(parsed)
      .filter((m) => m.id === deploys[1]);
    expect(retried.at(-1)?.incident).toMatchObject({ key: "auth@1.0.1:rollout", count: 2 });

    const summaries = await store.summaries("auth");
    const [newest, older] = summaries;
    expect(
      (await store.get("auth", older?.revision ?? 0)).notifications?.find((d) => d.destination === "oncall"),
    ).toMatchObject({ outcome: "delivered" });
    expect(
      (await store.get("auth", newest?.revision ?? 0)).notifications?.find((d) => d.destination === "oncall"),
    ).toMatchObject({ outcome: "deduplicated", sent: 0 });
    const incidents = await kube
      .core()
      .readNamespacedConfigMap({ namespace: project.namespace, name: incidentsName });
    expect(
      Object.values(incidents.data ?? {}).map((v) => JSON.parse(v) as { key: string; count: number }),
    ).toEqual([expect.objectContaining({ key: "auth@1.0.1:rollout", count: 2 })]);
  });

  it("a deploy that succeeds closes the incident, and a rollback by hand is told too", async () => {
    project.edit("services/auth/service.ts", `\n    podLabels: { "${failPodLabel}": "true" },`, "");
    project.edit("services/auth/service.ts", 'version: "1.0.1"', 'version: "1.0.2"');
    await publishDefinedVersions(project.config);
    const fixed = await deployAuth();
    expect(fixed.code, fixed.stderr).toBe(0);
    const incidents = await kube
      .core()
      .readNamespacedConfigMap({ namespace: project.namespace, name: incidentsName });
    expect(incidents.data ?? {}).toEqual({});

    const r = await slipwayHere("rollback", "auth", "--env", "dev");
    expect(r.code, r.stderr).toBe(0);
    const rollback = on("/hook")
      .map(parsed)
      .filter((m) => m.action === "rollback");
    expect(new Set(rollback.map((m) => m.id)).size).toBe(1);
    expect(rollback.at(-1)).toMatchObject({ outcome: "succeeded" });
    expect(rollback.at(-1)?.services).toEqual([
      expect.objectContaining({ service: "auth", to: "1.0.0", outcome: "deployed" }),
    ]);
    const mails = await mailTo(mailbox);
    expect(mails.at(-1)?.subject).toBe("research-cloud/dev: rollback of auth 1.0.0 succeeded");
    const [newest] = await store.summaries("auth");
    expect(newest?.description).toMatch(/^rollback to revision 1/);
    expect((await store.get("auth", newest?.revision ?? 0)).notifications).toContainEqual(
      expect.objectContaining({ destination: "ops", outcome: "delivered", messageId: rollback.at(-1)?.id }),
    );
  });
});
