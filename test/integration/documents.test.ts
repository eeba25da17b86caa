// Every reporting command's JSON, as the installed binary prints it against the local platform,
// validated against the schema the package ships (schema/slipway.v1.schema.json); and the exit
// codes that tell a refused deploy, a held lock and a rolled-back deploy apart.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import { expectDocument, expectJsonLines } from "../support/documents.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";

const project = isolatedExample("documents", { node: "simulated" });
// A second environment on the same cluster, for `cluster move`: its own namespace, the same
// registry, databases and audit indices (a move keeps the platform's data where it is).
const movedNs = `${project.namespace}-moved`;
project.edit(
  "slipway.config.ts",
  "export default defineProject",
  `const moved = defineEnvironment({
  name: "dev-moved",
  cluster: { context: "local", namespace: "${movedNs}", flavour: "k3s" },
  defaults: { replicas: 1 },
  values: dev.values,
  search: dev.search,
  ...shared,
});

export default defineProject`,
);
project.edit("slipway.config.ts", "environments: [dev, prod]", "environments: [dev, prod, moved]");

const cluster = Cluster.open("local", platform.kubeconfig);
const dev = ["--env", "dev"];
const deploy = ["deploy", "auth", "mail", ...dev, "--yes", "--timeout", "60s"];
const slipway = (...args: string[]): Promise<SlipwayResult> =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", platform.kubeconfig]);
const bump = (service: string, from: string, to: string): void =>
  project.edit(`services/${service}/service.ts`, `version: "${from}"`, `version: "${to}"`);

afterAll(async () => {
  await kube
    .core()
    .deleteNamespace({ name: movedNs })
    .catch(() => undefined);
  await removeExample(project.namespace);
});

describe("the JSON documents of every reporting command, through the binary", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    await publishDefinedVersions(project.config);
  });

  it("plan -o json: a Plan", async () => {
    const r = await slipway("plan", "auth", "mail", ...dev, "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    const plan = expectDocument(r.stdout, "Plan");
    expect(plan.services.map((s) => s.service)).toEqual(["auth", "mail"]);
  });

  it("deploy -o jsonl: the Plan, every DeployEvent, the DeployReport last, each line a valid document", async () => {
    const r = await slipway(...deploy, "-o", "jsonl");
    expect(r.code, r.stderr).toBe(0);
    const lines = expectJsonLines(r.stdout);
    expect(lines.filter((l) => l.kind === "DeployEvent").length).toBeGreaterThan(5);
    expect(lines.at(-1)).toMatchObject({ kind: "DeployReport", ok: true });
  });

  it("status, history, drift, audit status, env check, env list, list -o json: one document each", async () => {
    const status = await slipway("status", ...dev, "-o", "json");
    expect(status.code, status.stderr).toBe(0);
    const services = expectDocument(status.stdout, "Status").services;
    expect(services.find((s) => s.service === "auth")).toMatchObject({ upToDate: true, ready: "1/1" });

    const history = await slipway("history", "auth", ...dev, "-o", "json");
    expect(history.code, history.stderr).toBe(0);
    expect(expectDocument(history.stdout, "History").releases[0]).toMatchObject({
      revision: 1,
      status: "deployed",
    });

    const drift = await slipway("drift", ...dev, "-o", "json");
    expect(drift.code, drift.stderr).toBe(0);
    expect(expectDocument(drift.stdout, "DriftReport").drifted).toBe(false);

    const audit = await slipway("audit", "status", "auth", ...dev, "-o", "json");
    expect(audit.code, audit.stderr).toBe(0);
    expect(expectDocument(audit.stdout, "AuditStatus").calls).toEqual([
      expect.objectContaining({ call: "auth.login", matches: true }),
    ]);

    const check = await slipway("env", "check", ...dev, "-o", "json");
    expect(check.code, check.stderr).toBe(0);
    expect(expectDocument(check.stdout, "EnvironmentCheck").ok).toBe(true);

    const envs = await slipway("env", "list", "-o", "json");
    expect(envs.code, envs.stderr).toBe(0);
    expect(expectDocument(envs.stdout, "EnvironmentList").environments.map((e) => e.environment)).toEqual([
      "dev",
      "prod",
      "dev-moved",
    ]);

    const list = await slipway("list", ...dev, "-o", "json");
    expect(list.code, list.stderr).toBe(0);
    expect(expectDocument(list.stdout, "ServiceList").services).toHaveLength(6);
  });

  it("an unknown -o value is a usage error (2) naming the ones there are", async () => {
    const r = await slipway("status", ...dev, "-o", "yaml");
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain('error: --output must be table or json, found "yaml"');
    expect(r.stdout).toBe("");
  });

  it("deploy -o json: only the DeployReport on stdout, the account on stderr", async () => {
    bump("auth", "1.0.0", "1.0.1");
    await publishDefinedVersions(project.config);
    const r = await slipway(...deploy, "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    const report = expectDocument(r.stdout, "DeployReport");
    expect(report).toMatchObject({ ok: true });
    expect(report.services.find((s) => s.service === "auth")).toMatchObject({
      outcome: "deployed",
      revision: 2,
    });
    expect(r.stderr).toContain("auth  1.0.0 → 1.0.1");
  });

  it("rollback -o json: a RollbackReport", async () => {
    const r = await slipway("rollback", "auth", ...dev, "--timeout", "60s", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(expectDocument(r.stdout, "RollbackReport")).toMatchObject({
      service: "auth",
      outcome: "rolled-back",
      toRevision: 1,
      toVersion: "1.0.0",
      revision: 3,
    });
    expect(r.stderr).toContain("auth: rolled back to revision 1 (1.0.0) as revision 3");
  });

  it("exit 4: a deploy refused by a check before anything changed, with the reasons in its report", async () => {
    // Never built: the image check refuses it. Unique to this run, since the registry outlives
    // test runs and other runs may have pushed any fixed version.
    const unbuilt = `1.0.2-unbuilt.${project.namespace.split("-").pop() ?? "x"}`;
    bump("auth", "1.0.1", unbuilt);
    try {
      const r = await slipway(...deploy, "-o", "json");
      expect(r.code, r.stderr).toBe(ExitCode.refused);
      const report = expectDocument(r.stdout, "DeployReport");
      expect(report).toMatchObject({ ok: false, services: [] });
      expect(report.refused?.join("\n")).toMatch(/auth/);
      expect(r.stderr).toContain("nothing was deployed");
      // As JSON Lines: the plan, then at once the report that says why.
      const lines = await slipway(...deploy, "-o", "jsonl");
      expect(lines.code, lines.stderr).toBe(ExitCode.refused);
      expect(expectJsonLines(lines.stdout).map((l) => l.kind)).toEqual(["Plan", "DeployReport"]);
    } finally {
      bump("auth", unbuilt, "1.0.0");
    }
  });

  it("exit 5: another deploy holds the lock", async () => {
    bump("mail", "0.9.2", "0.9.3");
    await publishDefinedVersions(project.config);
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    try {
      const r = await slipway(...deploy);
      expect(r.code, r.stderr).toBe(ExitCode.lockHeld);
      expect(r.stderr).toContain(`error: another deploy holds the lock: ${other.holderIdentity}`);
      // As JSON Lines the last line is still the report, saying why it stopped.
      const lines = await slipway(...deploy, "-o", "jsonl");
      expect(lines.code, lines.stderr).toBe(ExitCode.lockHeld);
      const docs = expectJsonLines(lines.stdout);
      expect(docs.map((d) => d.kind)).toEqual(["Plan", "DeployReport"]);
      expect(docs.at(-1)).toMatchObject({
        ok: false,
        stopped: expect.stringMatching(/another deploy holds the lock/),
      });
    } finally {
      await other.release();
    }
  });

  it("exit 6: a failed rollout rolled back by itself; its jsonl lines stay valid documents", async () => {
    project.edit(
      "services/mail/service.ts",
      "    port: 8080,",
      `    port: 8080,\n    podLabels: { "${failPodLabel}": "true" },`,
    );
    try {
      const r = await slipway(...deploy, "-o", "jsonl");
      expect(r.code, r.stderr).toBe(ExitCode.rolledBack);
      const lines = expectJsonLines(r.stdout);
      expect(lines).toContainEqual(
        expect.objectContaining({
          kind: "DeployEvent",
          type: "rollback",
          phase: "finished",
          successful: true,
        }),
      );
      expect(lines.at(-1)).toMatchObject({ kind: "DeployReport", ok: false });
    } finally {
      project.edit("services/mail/service.ts", `\n    podLabels: { "${failPodLabel}": "true" },`, "");
    }
  });

  it("exit 4: a deploy whose migration check refuses in its check step; the report names the step", async () => {
    const migration = join(project.root, "services", "mail", "migrations", "V2__drop_subject.sql");
    // mail 0.9.2 runs and still reads outbox.subject: dropping it would break it.
    writeFileSync(migration, "set lock_timeout = '5s';\nalter table outbox drop column subject;\n");
    bump("mail", "0.9.3", "0.9.4");
    try {
      await publishDefinedVersions(project.config);
      const r = await slipway("deploy", "mail", ...dev, "--yes", "--timeout", "60s", "-o", "json");
      expect(r.code, r.stderr).toBe(ExitCode.refused);
      expect(expectDocument(r.stdout, "DeployReport").services).toEqual([
        expect.objectContaining({ service: "mail", outcome: "failed", failedStep: "check-migrations" }),
      ]);
    } finally {
      rmSync(migration);
      bump("mail", "0.9.4", "0.9.3");
    }
  });

  const moveAuth = ["cluster", "move", "--from", "dev", "--to", "dev-moved", "auth", "--timeout", "60s"];

  it("cluster move --dry-run -o json: a MoveReport, nothing changed", async () => {
    const dry = await slipway(...moveAuth, "--dry-run", "-o", "json");
    expect(dry.code, dry.stderr).toBe(0);
    expect(expectDocument(dry.stdout, "MoveReport")).toMatchObject({
      from: "dev",
      to: "dev-moved",
      outcome: "dry-run",
      services: [expect.objectContaining({ service: "auth", version: "1.0.0" })],
    });
  });

  it("cluster move -o json: a MoveReport of a real move (deployed, compared)", async () => {
    const r = await slipway(...moveAuth, "--yes", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    const report = expectDocument(r.stdout, "MoveReport");
    expect(report).toMatchObject({ outcome: "moved", cutover: false });
    expect(report.deploy?.services).toEqual([
      expect.objectContaining({ service: "auth", outcome: "deployed" }),
    ]);
    expect(report.comparison).toEqual([expect.objectContaining({ service: "auth", sameImage: true })]);
  });

  it("exit 4: a rollback refused by a check (the source is cut over), its RollbackReport says so", async () => {
    const cut = await slipway(...moveAuth, "--cutover", "--yes", "-o", "json");
    expect(cut.code, cut.stderr).toBe(0);
    expect(expectDocument(cut.stdout, "MoveReport")).toMatchObject({ outcome: "moved", cutover: true });
    const r = await slipway("rollback", "auth", ...dev, "-o", "json");
    expect(r.code, r.stderr).toBe(ExitCode.refused);
    expect(expectDocument(r.stdout, "RollbackReport")).toMatchObject({ service: "auth", outcome: "refused" });
    expect(r.stderr).toContain("error: refused: ");
    const revert = await slipway(...moveAuth, "--revert-cutover", "--yes", "-o", "json");
    expect(revert.code, revert.stderr).toBe(0);
    expect(expectDocument(revert.stdout, "MoveReport")).toMatchObject({
      outcome: "reverted",
      cutover: false,
    });
  });
});
