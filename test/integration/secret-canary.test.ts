// A secret canary: one value planted in every secret input Slipway handles here (the database
// password, a Secret the workloads reference, the registry password, the Jenkins token), then
// every command run through the real binary. The canary must appear nowhere: not in stdout or
// stderr (text and -o json), not in any release record (decoded), not in Events or Job logs,
// and not in any process's command line while the deploy (pg_dump, migrations) runs.
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
import { slipwayBin } from "../support/slipway-bin.ts";

const canary = `canary-${randomBytes(12).toString("hex")}`;
const project = isolatedExample("canary", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const role = `canary_${project.namespace.replace(/[^a-z0-9]/g, "_")}`;
const databases = ["auth", "accounting", "files", "mail", "orchestrator"];
const databaseOf = (name: string): string => `${project.namespace}_${name}`.replace(/[^a-z0-9_]/g, "_");

interface Ran {
  readonly command: string;
  readonly code: number;
  readonly output: string;
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
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const seen = new Set<string>();
    const watch = setInterval(() => commandLines().forEach((l) => seen.add(l)), 25);
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(watch);
      resolve({ command: args.join(" "), code: code ?? -1, output, commandLines: [...seen] });
    });
  });
}

const runs: Ran[] = [];
const dev = ["--env", "dev"];

afterAll(async () => {
  await removeExample(project.namespace);
  const admin = new pg.Client(postgresClientConfig(platform));
  await admin.connect();
  await admin.query(`drop role if exists "${role}"`).catch(() => undefined);
  await admin.end();
});

describe("a secret canary in every secret input", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
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
          stringData: { url: `postgresql://${role}:${canary}@${host}:${port}/${databaseOf(name)}` },
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
    runs.push(
      await slipwayBinary(
        { SLIPWAY_REGISTRY_USERNAME: "canary", SLIPWAY_REGISTRY_PASSWORD: canary },
        "plan",
        ...dev,
        "-o",
        "json",
      ),
    );
    const credentials = join(tmpdir(), `canary-jenkins-${process.pid}.json`);
    writeFileSync(credentials, JSON.stringify({ user: "canary", token: canary }), { mode: 0o600 });
    runs.push(await slipwayBinary({ SLIPWAY_JENKINS_CREDENTIALS: credentials }, "plan", ...dev));
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

  it("is not in any command's output", () => {
    expect(runs.filter((r) => r.output.includes(canary)).map((r) => r.command)).toEqual([]);
  });

  it("is not on any process's command line while the commands ran (pg_dump and migrations included)", () => {
    const seen = runs.flatMap((r) => r.commandLines);
    expect(seen.some((l) => l.includes("pg_dump"))).toBe(true);
    expect(seen.filter((l) => l.includes(canary))).toEqual([]);
  });

  it("is not in any release record, Event or Job log", async () => {
    const store = new ReleaseStore(cluster, project.namespace);
    const summaries = await store.summaries();
    expect(summaries.length).toBeGreaterThan(5);
    for (const s of summaries)
      expect(JSON.stringify(await store.get(s.service, s.revision))).not.toContain(canary);
    const events = await kube.core().listNamespacedEvent({ namespace: project.namespace });
    expect(JSON.stringify(events.items)).not.toContain(canary);
    const jobs = await kube.batch().listNamespacedJob({ namespace: project.namespace });
    expect(jobs.items.length).toBeGreaterThan(0);
    for (const job of jobs.items)
      expect(await jobLogs(cluster, project.namespace, job.metadata?.name ?? "")).not.toContain(canary);
  });
});
