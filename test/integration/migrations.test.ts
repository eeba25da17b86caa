import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flywayChecksum } from "../../src/migrations/checksum.ts";
import { runDirect } from "../../src/migrations/run-direct.ts";
import { liveQueries } from "../../src/checks/migrations/dynamic-proof.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { parseMigrationName } from "../../src/definitions/flyway.ts";
import {
  removeExample,
  isolatedExample,
  provisionExampleDatabases,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform, uniqueName } from "../support/platform.ts";
import { repoRoot } from "../support/project.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

const project = isolatedExample("migrate", { node: "real" });
const dev = ["deploy", "--env", "dev", "--yes", "--timeout", "60s"];
const dbUrl = (database: string): string =>
  `postgresql://${platform.secrets.postgresUser}:${encodeURIComponent(platform.secrets.postgresPassword)}@${platform.postgres.host}:${platform.postgres.port}/${database}`;
const databaseOf = (name: string): string => `${project.namespace}_${name}`.replace(/[^a-z0-9_]/g, "_");

async function query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: dbUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
});
afterAll(() => removeExample(project.namespace));

describe("migrations before the rollout, on the real PostgreSQL", () => {
  it("lists pending migrations, then a deploy applies them first and records them in Flyway's table", async () => {
    const listed = await slipway(project.config, "migrate", "--env", "dev", "--dry-run");
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(
      /files\s+direct\s+files\s+pending: V1__files\.sql, V2__shares\.sql, R__file_stats\.sql/,
    );
    expect(listed.stdout).toMatch(
      /accounting\s+job\s+accounting\s+would run Job accounting-migrate-\w+ \(--run-script migrate-db\) from the new image/,
    );

    const r = await slipway(project.config, ...dev);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "files: migrations (direct): applied V1__files.sql, V2__shares.sql, R__file_stats.sql",
    );
    expect(r.stderr).toMatch(/accounting: migrations \(job\): Job accounting-migrate-r1 completed/);
    // Migrations ran before the rollout: the record's journal says so, in order.
    const history = await query<{
      version: string | null;
      script: string;
      checksum: number;
      success: boolean;
      type: string;
    }>(
      databaseOf("files"),
      "select version, script, checksum, success, type from flyway_schema_history order by installed_rank",
    );
    expect(history.map((h) => [h.version, h.script, h.success, h.type])).toEqual([
      ["1", "V1__files.sql", true, "SQL"],
      ["2", "V2__shares.sql", true, "SQL"],
      [null, "R__file_stats.sql", true, "SQL"],
    ]);
    const sql = readFileSync(join(project.root, "services/files/migrations/V1__files.sql"), "utf8");
    expect(history[0]?.checksum).toBe(flywayChecksum(sql));
    expect((await query(databaseOf("files"), "select * from file_stats")).length).toBe(0);
    const job = await kube
      .batch()
      .readNamespacedJob({ namespace: project.namespace, name: "accounting-migrate-r1" });
    expect(job.spec?.template.spec?.containers[0]?.args).toEqual(["--run-script", "migrate-db"]);

    const again = await slipway(project.config, "migrate", "--env", "dev", "--dry-run", "files");
    expect(again.stdout).toMatch(/files\s+direct\s+files\s+up to date/);
  });

  it("proves it with the running version's real queries: an expand passes, a drop a live query needs is refused", async () => {
    // The running version's traffic, as pg_stat_statements records it.
    const app = new pg.Client({ connectionString: dbUrl(databaseOf("auth")) });
    await app.connect();
    await app.query("select username, email from users where id = $1", [1]);
    await app.query("select s.id from sessions s join users u on u.id = s.user_id where u.username = $1", [
      "ada",
    ]);
    await app.end();

    writeFileSync(
      join(project.root, "services/auth/migrations/V3__display_name.sql"),
      "set lock_timeout = '5s';\nalter table users add column display_name text;\n",
    );
    project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.1.0"');
    const expand = await slipway(project.config, ...dev, "auth");
    expect(expand.code, expand.stderr).toBe(0);
    expect(expand.stderr).toMatch(
      /auth: dynamic proof: \d+ live queries prepared against the migrated schema, 0 broken/,
    );

    writeFileSync(
      join(project.root, "services/auth/migrations/V4__drop_email.sql"),
      "set lock_timeout = '5s';\nalter table users drop column email;\n",
    );
    project.edit("services/auth/service.ts", 'version: "1.1.0"', 'version: "1.2.0"');
    const drop = await slipway(project.config, ...dev, "auth", "--evidence-window", "1s");
    expect(drop.code).toBe(ExitCode.refused);
    expect(drop.stderr).toContain(
      'V4__drop_email.sql:1:1: error dynamic-proof: a query the running version runs no longer prepares after it: select username, email from users where id = $1 (Postgres: column "email" does not exist)',
    );
    expect(
      await query(
        databaseOf("auth"),
        "select 1 from information_schema.columns where table_name = 'users' and column_name = 'email'",
      ),
    ).toHaveLength(1);
  });

  it("counts only the service's own role's statements when the definition names the role", async () => {
    const asPostgres = await liveQueries(dbUrl(databaseOf("auth")), platform.secrets.postgresUser);
    expect(asPostgres.queries).toContain("select username, email from users where id = $1");
    const asOther = await liveQueries(dbUrl(databaseOf("auth")), "some_other_service");
    expect(asOther.queries).toEqual([]);
  });

  it("lets a drop through when no live query touches it, with that evidence, once the traffic was watched long enough", async () => {
    execFileSync("rm", [join(project.root, "services/auth/migrations/V4__drop_email.sql")]);
    writeFileSync(
      join(project.root, "services/auth/migrations/V4__drop_created_at.sql"),
      "set lock_timeout = '5s';\nalter table users drop column created_at;\n",
    );
    const blocked = await slipway(project.config, ...dev, "auth");
    expect(blocked.code).toBe(ExitCode.refused); // the default window (24 h) is longer than this platform has watched
    expect(blocked.stderr).toContain("error ban-drop-column: dropping users.created_at");
    const evidenced = await slipway(project.config, ...dev, "auth", "--evidence-window", "1s");
    expect(evidenced.code, evidenced.stderr).toBe(0);
    expect(evidenced.stderr).toMatch(
      /warning ban-drop-column: dropping users\.created_at .*; not blocking: no query of the running version touches it: \d+ live queries from pg_stat_statements since \S+ prepare on the migrated schema/,
    );
    expect(
      await query(
        databaseOf("auth"),
        "select 1 from information_schema.columns where table_name = 'users' and column_name = 'created_at'",
      ),
    ).toEqual([]);
  });

  it("refuses a migration that breaks the running version, with the finding and the fix, unless overridden with a reason", async () => {
    // 0.9.3 really stops using subject: it keeps it inside body (app/store.js, and queries.sql,
    // which lists what store.js runs), and drops the column. The running 0.9.2 still writes and
    // reads it: its release recorded its queries file, and pg_stat_statements saw its insert.
    project.edit(
      "services/mail/app/store.js",
      /"insert into outbox \(recipient, subject, body\) values \(\$1, \$2, \$3\) returning id",\n(\s*)\[\n(\s*)body\.recipient,\n\s*handled\.body\.subject,\n\s*JSON\.stringify\(\{ template: body\.template, params: body\.params \?\? \{\} \}\),/,
      '"insert into outbox (recipient, body) values ($$1, $$2) returning id",\n$1[\n$2body.recipient,\n$2JSON.stringify({ subject: handled.body.subject, template: body.template, params: body.params ?? {} }),',
    );
    project.edit(
      "services/mail/queries.sql",
      /insert into outbox \(recipient, subject, body\) values \(\$1, \$2, \$3\) returning id;\nselect id, recipient, subject, body from/,
      "insert into outbox (recipient, body) values ($$1, $$2) returning id;\nselect id, recipient, body from",
    );
    writeFileSync(
      join(project.root, "services/mail/migrations/V2__drop_subject.sql"),
      "set lock_timeout = '5s';\nalter table outbox drop column subject;\n",
    );
    // A version of this file's own: the registry is shared, and other files build mail 0.9.3
    // from the example as it is (still writing subject).
    const fixed = `0.9.3-${project.namespace}`;
    project.edit("services/mail/service.ts", 'version: "0.9.2"', `version: "${fixed}"`);
    const refused = await slipway(project.config, ...dev, "mail");
    expect(refused.code).toBe(ExitCode.refused);
    expect(refused.stderr).toContain(
      "mail: V2__drop_subject.sql:2:13: error ban-drop-column: dropping outbox.subject breaks the running version wherever it reads or writes subject",
    );
    expect(refused.stderr).toContain("fix: contract in a later release");
    // The statements the version ships in queries.sql are proven too.
    expect(refused.stderr).toContain(
      'mail: V2__drop_subject.sql:1:1: error dynamic-proof: a query the running version runs no longer prepares after it: select id, recipient, subject, body from outbox where sent_at is null order by id limit $1 (Postgres: column "subject" does not exist)',
    );
    // mail.send's insert names subject too (queries.sql lists what app/store.js runs).
    expect(refused.stderr).toContain(
      'mail: V2__drop_subject.sql:1:1: error dynamic-proof: a query the running version runs no longer prepares after it: insert into outbox (recipient, subject, body) values ($1, $2, $3) returning id (Postgres: column "subject" of relation "outbox" does not exist)',
    );
    expect(refused.stdout).toMatch(
      /mail\s+failed\s+\d+\s+migration check refused 3 breaking change\(s\): V2__drop_subject\.sql:2 ban-drop-column, V2__drop_subject\.sql:1 dynamic-proof, V2__drop_subject\.sql:1 dynamic-proof/,
    );
    expect(
      await query(
        databaseOf("mail"),
        "select 1 from information_schema.columns where table_name = 'outbox' and column_name = 'subject'",
      ),
    ).toHaveLength(1);
    expect(
      (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" })).metadata
        ?.annotations?.["slipway.dev/version"],
    ).toBe("0.9.2");

    expect((await slipway(project.config, ...dev, "mail", "--allow-breaking-migrations")).code).toBe(2);
    const allowed = await slipway(
      project.config,
      ...dev,
      "mail",
      "--allow-breaking-migrations",
      "--reason",
      "0.9.3 no longer reads subject",
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(
      await query(
        databaseOf("mail"),
        "select 1 from information_schema.columns where table_name = 'outbox' and column_name = 'subject'",
      ),
    ).toEqual([]);
    // The version that runs on the dropped column works: its smoke test's message is queued,
    // its subject kept in body.
    expect(allowed.stderr).toMatch(/mail: .*smoke/);
    const queued = await query<{ recipient: string; body: string }>(
      databaseOf("mail"),
      "select recipient, body from outbox order by id desc limit 1",
    );
    expect(queued).toEqual([
      {
        recipient: "smoke-test@example.org",
        body: expect.stringContaining('"subject":"Welcome, smoke test"'),
      },
    ]);
    expect(
      (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" })).metadata
        ?.annotations?.["slipway.dev/version"],
    ).toBe(fixed);
    const release = await new ReleaseStore(
      Cluster.open("local", platform.kubeconfig),
      project.namespace,
    ).latest("mail", ["deployed"]);
    expect(release?.checks).toContainEqual(
      expect.objectContaining({
        check: "migrations/override",
        message: expect.stringContaining("0.9.3 no longer reads subject"),
      }),
    );
  });

  it("refuses a migration that fails on a copy of the live schema before touching the live one, and `migrate` reports the file, line and Postgres' error", async () => {
    writeFileSync(
      join(project.root, "services/files/migrations/V3__broken.sql"),
      "alter table files add column checksum text;\nselect count(*) from no_such_table;\n",
    );
    project.edit("services/files/service.ts", 'version: "1.4.0"', 'version: "1.5.0"');
    // The copy on a throwaway database of the live server this time (PGlite is the default).
    const r = await slipway(project.config, ...dev, "files", "--scratch-database", "server");
    expect(r.code).toBe(ExitCode.refused);
    expect(r.stderr).toContain(
      'files: V3__broken.sql:2:22: error dynamic-proof: fails on a copy of the live schema: relation "no_such_table" does not exist',
    );
    expect(r.stdout).toMatch(/files\s+failed\s+\d+\s+migration check refused 1 breaking change\(s\)/);
    const live = await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "files" });
    expect(live.metadata?.annotations?.["slipway.dev/version"]).toBe("1.4.0");

    // Run on their own, without the gate: the live database refuses it, and nothing of it stays.
    const migrate = await slipway(project.config, "migrate", "--env", "dev", "files");
    expect(migrate.code).toBe(1);
    expect(migrate.stdout).toContain(
      'FAILED: V3__broken.sql:2:22: relation "no_such_table" does not exist (SQLSTATE 42P01)',
    );
    const columns = await query(
      databaseOf("files"),
      "select 1 from information_schema.columns where table_name = 'files' and column_name = 'checksum'",
    );
    expect(columns).toEqual([]); // the file's transaction was rolled back
    expect(
      await query(databaseOf("files"), "select 1 from flyway_schema_history where version = '3'"),
    ).toEqual([]);
    // Credentials never show.
    expect(r.stdout + r.stderr + migrate.stdout + migrate.stderr).not.toContain(
      platform.secrets.postgresPassword,
    );
  });

  it("refuses an applied migration that was edited afterwards, instead of re-running it", async () => {
    writeFileSync(
      join(project.root, "services/files/migrations/V3__broken.sql"),
      "alter table files add column checksum text;\n",
    );
    const path = join(project.root, "services/files/migrations/V1__files.sql");
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("path text not null", "path varchar(4096) not null"),
    );
    const r = await slipway(project.config, ...dev, "files");
    expect(r.code).toBe(ExitCode.refused);
    expect(r.stderr).toMatch(
      /V1__files\.sql was applied \(as V1__files\.sql\) and has been edited since: checksum -?\d+ in the database, -?\d+ on disk/,
    );
  });

  it("picks up a database Flyway migrated, by Flyway's own checksums", async () => {
    const database = uniqueName("flyway").replace("-", "_");
    await query("postgres", `create database ${database}`);
    try {
      const folder = join(repoRoot, "examples/platform/services/auth/migrations");
      const files = ["V1__users.sql", "V2__sessions.sql"];
      // Checksums computed by Java's CRC32 the way Flyway does: an independent implementation.
      const javaChecksums = execFileSync(
        "java",
        [join(repoRoot, "test/fixtures/FlywayChecksum.java"), ...files.map((f) => join(folder, f))],
        { encoding: "utf8" },
      )
        .trim()
        .split("\n")
        .map(Number);
      const client = new pg.Client({ connectionString: dbUrl(database) });
      await client.connect();
      // What Flyway leaves behind: its table, V1 applied by it.
      await client.query(readFileSync(join(folder, "V1__users.sql"), "utf8"));
      await client.query(
        `create table flyway_schema_history (installed_rank int not null primary key, version varchar(50), description varchar(200) not null, type varchar(20) not null, script varchar(1000) not null, checksum int, installed_by varchar(100) not null, installed_on timestamp not null default now(), execution_time int not null, success boolean not null)`,
      );
      await client.query(
        `insert into flyway_schema_history values (1, '1', 'users', 'SQL', 'V1__users.sql', $1, 'flyway', now(), 12, true)`,
        [javaChecksums[0]],
      );
      await client.end();
      const migrations = files.map((f) => parseMigrationName(f, readFileSync(join(folder, f), "utf8"))!);
      const result = await runDirect(dbUrl(database), migrations);
      expect(result.applied.map((m) => m.name)).toEqual(["V2__sessions.sql"]);
      const rows = await query<{ checksum: number; installed_rank: number }>(
        database,
        "select installed_rank, checksum from flyway_schema_history order by installed_rank",
      );
      expect(rows).toEqual([
        { installed_rank: 1, checksum: javaChecksums[0] },
        { installed_rank: 2, checksum: javaChecksums[1] },
      ]);
    } finally {
      await query("postgres", `drop database ${database} with (force)`);
    }
  });
});
