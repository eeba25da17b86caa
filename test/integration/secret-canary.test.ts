// A secret canary: one value planted in every secret input Slipway handles here (the database
// password, a Secret the workloads reference, the registry password, the Jenkins token, the
// notifications' webhook signing key, Slack URL and SMTP password), then
// every command run through the real binary. The canary must appear nowhere, in none of the forms
// it takes on the way (URL-encoded, base64 at any offset as in a Secret's `data`, a Basic
// `user:password`): not in stdout or stderr (text and -o json), not in any release record
// (decoded), not in Events or Job logs, and not in any process's command line while the deploy
// (pg_dump, migrations) runs, nor in any notification a webhook receiver or the mail server got. It holds characters that URL encoding changes, so the URL-encoded
// form differs from the value and the database URLs must carry it encoded.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresClientConfig } from "../../platform/src/parts/postgres.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { jobLogs } from "../../src/clients/kubernetes/wait-job.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { leakedForms, secretForms } from "../support/secret-forms.ts";
import { slipwayBin } from "../support/slipway-bin.ts";
import { mailServer, mailTo, requireMailServer } from "../support/mail.ts";
import { refusedPort, startReceiver } from "../support/webhook-receiver.ts";

const canary = `canary-${randomBytes(12).toString("hex")}/+=&`;
/** The user beside it in the registry and Jenkins credentials: a Basic header is `user:canary`. */
const canaryUser = "canary";
const forms = secretForms(canary, canaryUser);
const leaks = (text: string): string[] => leakedForms(text, forms);
const project = isolatedExample("canary", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const role = `canary_${project.namespace.replace(/[^a-z0-9]/g, "_")}`;
const databases = ["auth", "accounting", "files", "mail", "orchestrator"];
const databaseOf = (name: string): string => `${project.namespace}_${name}`.replace(/[^a-z0-9_]/g, "_");

interface Ran {
  readonly command: string;
  readonly code: number;
  readonly output: string;
  readonly stdout: string;
  /** Command lines of every process seen while it ran. */
  readonly commandLines: readonly string[];
}

/** Every process's command line, as `ps` would show it to any user of the machine. */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "));
    } catch {
      // gone already
    }
  }
  return lines;
}

/** Runs the installed CLI as a user would, watching the process list while it runs. */
function slipwayBinary(env: Record<string, string>, ...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [slipwayBin, ...args, "-c", project.config, "--kubeconfig", platform.kubeconfig],
      { env: { ...process.env, CANARY_SMTP_PASSWORD: canary, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    let stdout = "";
    const seen = new Set<string>();
    const watch = setInterval(() => commandLines().forEach((l) => seen.add(l)), 25);
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(watch);
      resolve({ command: args.join(" "), code: code ?? -1, output, stdout, commandLines: [...seen] });
    });
  });
}

const runs: Ran[] = [];
let registryRefusal: Ran;
let jenkinsRefusal: Ran;
const dev = ["--env", "dev"];
const mailbox = `canary-${randomBytes(4).toString("hex")}@example.test`;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

afterAll(async () => {
  await receiver?.close();
  await removeExample(project.namespace);
  const admin = new pg.Client(postgresClientConfig(platform));
  await admin.connect();
  await admin.query(`drop role if exists "${role}"`).catch(() => undefined);
  await admin.end();
});

describe("a secret canary in every secret input", () => {
  beforeAll(async () => {
    // Notifications whose every secret is the canary: the signing key (a Secret), the Slack URL
    // (a Secret; its receiver refuses, so its error is said and recorded), the SMTP password (a variable).
    await requireMailServer();
    receiver = await startReceiver();
    const destinations = [
      {
        name: "hook",
        type: "webhook",
        url: `${receiver.url}/hook`,
        signingKey: { secret: "canary-notify", key: "hmac" },
      },
      { name: "chat", type: "slack", url: { secret: "canary-notify", key: "slack" } },
      {
        name: "mail",
        type: "email",
        smtp: {
          ...mailServer.smtp,
          tls: "none",
          username: "slipway",
          password: { env: "CANARY_SMTP_PASSWORD" },
        },
        from: "slipway@example.test",
        to: [mailbox],
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
      body: {
        metadata: { name: "canary-notify" },
        stringData: { hmac: canary, slack: `http://127.0.0.1:${await refusedPort()}/services/${canary}` },
      },
    });
    // The databases belong to a role whose password is the canary; their Secrets say so.
    const admin = new pg.Client(postgresClientConfig(platform));
    await admin.connect();
    try {
      await admin.query(`create role "${role}" login password '${canary}'`);
      for (const name of databases)
        await admin.query(`alter database "${databaseOf(name)}" owner to "${role}"`);
    } finally {
      await admin.end();
    }
    const { host, port } = platform.postgres;
    for (const name of databases) {
      const secret = `${name === "orchestrator" ? "orchestrator" : name}-db`;
      await kube.core().replaceNamespacedSecret({
        name: secret,
        namespace: project.namespace,
        body: {
          metadata: { name: secret },
          type: "Opaque",
          stringData: {
            url: `postgresql://${role}:${encodeURIComponent(canary)}@${host}:${port}/${databaseOf(name)}`,
          },
        },
      });
    }
    // A Secret the workloads reference (mail's SMTP password; provisioned with a placeholder).
    await kube.core().replaceNamespacedSecret({
      name: "mail-smtp",
      namespace: project.namespace,
      body: { metadata: { name: "mail-smtp" }, stringData: { password: canary } },
    });
    await publishDefinedVersions(project.config);

    // Every command, with -o json where it has one: a deploy, a change, a rollback.
    const commands: string[][] = [
      ["validate"],
      ["list", "-o", "json"],
      ["render", ...dev],
      ["plan", ...dev],
      ["plan", ...dev, "-o", "json"],
      ["deploy", ...dev, "--yes", "--timeout", "60s"],
      ["status", ...dev, "-o", "json"],
      ["history", "mail", ...dev, "-o", "json"],
      ["drift", ...dev, "-o", "json"],
      ["audit", "status", ...dev, "-o", "json"],
      ["env", "check", ...dev, "-o", "json"],
      ["calls", "diff", "mail", ...dev, "-o", "json"],
      ["migrations", "check", join(project.root, "services", "mail", "migrations"), "-o", "json"],
      ["migrate", ...dev, "--dry-run"],
    ];
    for (const args of commands) runs.push(await slipwayBinary({}, ...args));
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    project.edit("services/accounting/service.ts", 'version: "2.3.1"', 'version: "2.3.2"');
    await publishDefinedVersions(project.config);
    runs.push(await slipwayBinary({}, "deploy", ...dev, "--yes", "-o", "jsonl"));
    runs.push(await slipwayBinary({}, "rollback", "mail", ...dev));
    // The registry password and the Jenkins token: refused, and never repeated.
    registryRefusal = await slipwayBinary(
      { SLIPWAY_REGISTRY_USERNAME: canaryUser, SLIPWAY_REGISTRY_PASSWORD: canary },
      "plan",
      ...dev,
      "-o",
      "json",
    );
    runs.push(registryRefusal);
    const credentials = join(tmpdir(), `canary-jenkins-${process.pid}.json`);
    writeFileSync(credentials, JSON.stringify({ user: canaryUser, token: canary }), { mode: 0o600 });
    jenkinsRefusal = await slipwayBinary({ SLIPWAY_JENKINS_CREDENTIALS: credentials }, "plan", ...dev);
    runs.push(jenkinsRefusal);
  });

  it("the commands worked (so the canary was really used)", () => {
    const failed = runs.filter((r) => r.code !== 0).map((r) => `${r.command} → ${r.code}`);
    // The last two are refused on purpose: wrong registry password, wrong Jenkins token.
    expect(failed).toEqual([
      expect.stringMatching(/^plan --env dev -o json → 1$/),
      expect.stringMatching(/^plan --env dev → 1$/),
    ]);
    expect(runs.find((r) => r.command.startsWith("deploy --env dev --yes -o jsonl"))?.output).toContain(
      '"kind":"DeployReport","ok":true',
    );
  });

  it("refuses the registry password and the Jenkins token for what they are, not for another reason", () => {
    expect(registryRefusal.code, registryRefusal.output).toBe(1);
    // Every check that failed is an image check, failed for the credentials, not for another reason.
    const plan = JSON.parse(registryRefusal.stdout) as {
      services: {
        service: string;
        gate?: { checks: { check: string; outcome: string; problems: string[] }[] };
      }[];
    };
    const failed = plan.services.flatMap((s) =>
      (s.gate?.checks ?? []).filter((c) => c.outcome !== "passed").map((c) => ({ service: s.service, ...c })),
    );
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed)
      expect(c).toMatchObject({
        check: "image",
        problems: [
          expect.stringMatching(
            /: unauthorized \(wrong credentials\?\): the registry refused user "canary";/,
          ),
        ],
      });
    expect(jenkinsRefusal.code, jenkinsRefusal.output).toBe(1);
    expect(jenkinsRefusal.output).toMatch(
      /Jenkins at \S+ rejected the user or API token \(HTTP 401 for \S+\): check SLIPWAY_JENKINS_USER\/TOKEN; the credentials came from .*canary-jenkins-/,
    );
  });

  it("is found where it is meant to be: the Secrets' data holds it, in the forms searched for", async () => {
    // The search's own control: had it missed these, its silence elsewhere would mean nothing.
    const smtp = await kube.core().readNamespacedSecret({ name: "mail-smtp", namespace: project.namespace });
    expect(leaks(JSON.stringify(smtp.data))).not.toEqual([]);
    const db = await kube.core().readNamespacedSecret({ name: "mail-db", namespace: project.namespace });
    expect(leaks(JSON.stringify(db.data))).toEqual([expect.stringMatching(/^URL-encoded, in base64/)]);
    expect(leaks(`Authorization: Basic ${btoa(`${canaryUser}:${canary}`)}`)).not.toEqual([]);
  });

  it("is not in any command's output, in any form", () => {
    expect(
      runs.map((r) => ({ command: r.command, leaks: leaks(r.output) })).filter((r) => r.leaks.length),
    ).toEqual([]);
  });

  it("is not in any notification received, though every destination's secret was the canary", async () => {
    const hook = receiver?.received.filter((r) => r.path === "/hook") ?? [];
    expect(hook.length).toBeGreaterThan(3);
    expect(hook.filter((r) => leaks(r.body).length || leaks(JSON.stringify(r.headers)).length)).toEqual([]);
    const mails = await mailTo(mailbox);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    expect(mails.filter((m) => leaks(JSON.stringify(m)).length)).toEqual([]);
  });

  it("is not on any process's command line while the commands ran (pg_dump and migrations included)", () => {
    const seen = runs.flatMap((r) => r.commandLines);
    expect(seen.some((l) => l.includes("pg_dump"))).toBe(true);
    expect(seen.filter((l) => leaks(l).length)).toEqual([]);
  });

  it("is not in any release record, Event or Job log", async () => {
    const store = new ReleaseStore(cluster, project.namespace);
    const summaries = await store.summaries();
    expect(summaries.length).toBeGreaterThan(5);
    const records = await Promise.all(summaries.map((s) => store.get(s.service, s.revision)));
    for (const r of records) expect(leaks(JSON.stringify(r)), `${r.service} ${r.revision}`).toEqual([]);
    // The deliveries were recorded, the refused Slack URL's error among them.
    const deliveries = records.flatMap((r) => r.notifications ?? []);
    expect(deliveries).toContainEqual(expect.objectContaining({ destination: "hook", outcome: "delivered" }));
    expect(deliveries).toContainEqual(expect.objectContaining({ destination: "chat", outcome: "failed" }));
    // Nor in any other Secret or ConfigMap of the namespace: only the ones planted hold it.
    const planted = new Set(["mail-smtp", "canary-notify", ...databases.map((d) => `${d}-db`)]);
    const secrets = await kube.core().listNamespacedSecret({ namespace: project.namespace });
    const others = secrets.items.filter((x) => !planted.has(x.metadata?.name ?? ""));
    expect(others.length).toBeGreaterThan(0);
    for (const x of others) expect(leaks(JSON.stringify(x)), `Secret ${x.metadata?.name}`).toEqual([]);
    const configMaps = await kube.core().listNamespacedConfigMap({ namespace: project.namespace });
    for (const x of configMaps.items)
      expect(leaks(JSON.stringify(x)), `ConfigMap ${x.metadata?.name}`).toEqual([]);
    const events = await kube.core().listNamespacedEvent({ namespace: project.namespace });
    expect(leaks(JSON.stringify(events.items))).toEqual([]);
    const jobs = await kube.batch().listNamespacedJob({ namespace: project.namespace });
    expect(jobs.items.length).toBeGreaterThan(0);
    for (const job of jobs.items)
      expect(
        leaks(await jobLogs(cluster, project.namespace, job.metadata?.name ?? "")),
        job.metadata?.name,
      ).toEqual([]);
  });
});
