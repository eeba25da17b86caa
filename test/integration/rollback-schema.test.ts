import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  deploySharedConfigOwner,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

const project = isolatedExample("rbschema", { node: "simulated" });
const dev = ["deploy", "--env", "dev", "--yes", "--timeout", "60s"];
const rollback = ["rollback", "mail", "--env", "dev", "--timeout", "60s"];
const database = `${project.namespace}_mail`.replace(/[^a-z0-9_]/g, "_");
const dbUrl = `postgresql://${platform.secrets.postgresUser}:${encodeURIComponent(platform.secrets.postgresPassword)}@${platform.postgres.host}:${platform.postgres.port}/${database}`;
const store = new ReleaseStore(Cluster.open("local", platform.kubeconfig), project.namespace);

const liveVersion = async (): Promise<string | undefined> =>
  (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" })).metadata
    ?.annotations?.["slipway.dev/version"];

const queries = (lines: string[]): void =>
  writeFileSync(join(project.root, "services/mail/queries.sql"), `${lines.join(";\n")};\n`);

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config);
});
afterAll(() => removeExample(project.namespace));

describe("a manual rollback checks the schema the migrations since have left", () => {
  it("records each release's statements: its queries file, then what pg_stat_statements saw it run", async () => {
    // v1 (0.9.2) reads outbox.subject, in the queries file it ships.
    const v1 = await slipway(project.config, ...dev, "mail");
    expect(v1.code, v1.stderr).toBe(0);
    expect((await store.get("mail", 1)).statements?.queries).toContain(
      "select id, recipient, subject, body from outbox where sent_at is null order by id limit $1",
    );

    // v2 (0.9.3), expand: a new column its queries use; it no longer reads subject.
    writeFileSync(
      join(project.root, "services/mail/migrations/V2__priority.sql"),
      "set lock_timeout = '5s';\nalter table outbox add column priority int not null default 0;\n",
    );
    queries([
      "select id, recipient, body, priority from outbox where sent_at is null order by priority desc, id limit $1",
      "update outbox set sent_at = now() where id = $1",
    ]);
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    const v2 = await slipway(project.config, ...dev, "mail");
    expect(v2.code, v2.stderr).toBe(0);

    // v2's live traffic, as pg_stat_statements records it.
    const app = new pg.Client({ connectionString: dbUrl });
    await app.connect();
    await app.query("select id, priority from outbox where recipient = $1", ["ada@example.org"]);
    await app.end();

    // v3 (0.9.4), contract: drops what v1 read. No live query touches it, so the proof lets it through.
    writeFileSync(
      join(project.root, "services/mail/migrations/V3__drop_subject.sql"),
      "set lock_timeout = '5s';\nalter table outbox drop column subject;\n",
    );
    project.edit("services/mail/service.ts", 'version: "0.9.3"', 'version: "0.9.4"');
    const v3 = await slipway(project.config, ...dev, "mail", "--evidence-window", "1s");
    expect(v3.code, v3.stderr).toBe(0);
    expect(v3.stderr).toMatch(/recorded \d+ statement\(s\) of the running version in revision 2/);
    const v2Record = await store.get("mail", 2);
    expect(v2Record.statements?.sources).toEqual(["queries-file", "pg_stat_statements"]);
    expect(v2Record.statements?.queries).toContain("select id, priority from outbox where recipient = $1");
    expect(v2Record.status).toBe("superseded");
  });

  it("refuses a rollback to a release whose statements no longer prepare, naming the statement and the migration", async () => {
    const refused = await slipway(project.config, ...rollback, "--to", "1");
    expect(refused.code).toBe(ExitCode.refused);
    expect(refused.stderr).toMatch(
      // 0.9.2 reads subject (its select) and writes it (mail.send's insert): both break.
      /error: refused: rolling back mail to revision 1 \(0\.9\.2\) breaks 2 of its \d+ recorded statement\(s\) on the current schema:/,
    );
    expect(refused.stderr).toContain(
      'select id, recipient, subject, body from outbox where sent_at is null order by id limit $1\n    no longer prepares (Postgres: column "subject" does not exist); broken by V3__drop_subject.sql',
    );
    expect(refused.stderr).toContain(
      "migrations applied since revision 1 (0.9.2): V2__priority.sql, V3__drop_subject.sql",
    );
    expect(refused.stderr).toContain(
      'a forward fix (deploy a version that runs on this schema), or --allow-breaking-rollback --reason "..."',
    );
    // Nothing changed: no new revision, v3 still runs.
    expect((await store.summaries("mail")).map((s) => s.revision)).toEqual([3, 2, 1]);
    expect(await liveVersion()).toBe("0.9.4");
  });

  it("rolls back to a release whose statements all prepare on the current schema", async () => {
    const passed = await slipway(project.config, ...rollback, "--to", "2");
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stderr).toMatch(
      /mail: schema check: \d+ recorded statement\(s\) of revision 2 \(queries-file and pg_stat_statements\) prepare on the current schema; migrations applied since: V3__drop_subject\.sql/,
    );
    expect(await liveVersion()).toBe("0.9.3");
    const record = await store.get("mail", 4);
    expect(record.checks.find((c) => c.check === "rollback/schema")?.outcome).toBe("passed");
  });

  it("rolls back anyway with --allow-breaking-rollback and a reason, which the release records", async () => {
    const noReason = await slipway(project.config, ...rollback, "--to", "1", "--allow-breaking-rollback");
    expect(noReason.code).toBe(2);
    const allowed = await slipway(
      project.config,
      ...rollback,
      "--to",
      "1",
      "--allow-breaking-rollback",
      "--reason",
      "the outbox reader is switched off in 0.9.2's config",
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(
      /warning: rolling back mail to revision 1 \(0\.9\.2\) breaks 2 of its \d+/,
    );
    expect(await liveVersion()).toBe("0.9.2");
    const record = await store.get("mail", 5);
    expect(record.overrides).toEqual([
      expect.stringMatching(
        /^breaking rollback allowed by .+: the outbox reader is switched off in 0\.9\.2's config$/,
      ),
    ]);
    expect(record.checks.find((c) => c.check === "rollback/schema")?.outcome).toBe("allowed");
    const history = await slipway(project.config, "history", "mail", "--env", "dev", "-o", "json");
    expect(history.stdout).toContain("breaking rollback allowed by");
  });
});
