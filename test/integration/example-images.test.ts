import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresClientConfig } from "../../platform/src/parts/postgres.ts";
import { buildAndPushImage, type BuiltImage, type ImageBuild } from "../../scripts/build-images.ts";
import { auditIndexSettings } from "../../src/audit/convention.ts";
import { auditMapping } from "../../src/audit/mapping.ts";
import { migrationSet } from "../../src/definitions/flyway.ts";
import { readHistory } from "../../src/migrations/history.ts";
import { pendingMigrations } from "../../src/migrations/pending.ts";
import { platform, platformBinaries } from "../support/platform.ts";
import { repoRoot } from "../support/project.ts";

// The example images really run: accounting's image is built twice (the same digest), its
// filesystem exported and run with chroot (the image's own node, libraries and loader, nothing of
// the host's), against the platform's PostgreSQL and Elasticsearch: migrate-db as Slipway reads
// it, then the service serving, charging, auditing and stopping on SIGTERM.
const run = randomBytes(3).toString("hex");
const accounting = join(repoRoot, "examples/platform/services/accounting");
const work = mkdtempSync(join(tmpdir(), "slipway-example-images-"));
const rootfs = join(work, "rootfs");
const database = `example_images_${run}`;
const prefix = `example-images-${run}-`;
const alias = `${prefix}http_logs_accounting.charge`;
const url = (() => {
  const c = postgresClientConfig(platform, database);
  return `postgresql://${encodeURIComponent(c.user ?? "")}:${encodeURIComponent(String(c.password))}@${c.host}:${c.port}/${database}`;
})();

const build: ImageBuild = {
  service: "accounting",
  version: `0.0.0-images-${run}`,
  image: "accounting",
  repositoryPrefix: `example-images-${run}`,
  program: join(accounting, "app"),
  calls: [{ name: "accounting.charge", audited: true }],
  servicePort: 80,
  migrations: { from: join(accounting, "migrations"), to: "/migrations" },
};
let first: BuiltImage;
let second: BuiltImage;
/** Why chroot cannot run here, if it cannot. */
let noChroot: string | undefined;
/** chroot by its full path: the programs run with only the variables given, no PATH. */
const chroot = ["/usr/sbin/chroot", "/usr/bin/chroot"].find((p) => existsSync(p)) ?? "chroot";

/** Runs the image's program under chroot with exactly these variables; resolves when it ends. */
function inImage(args: string[], env: Record<string, string>) {
  const child = spawn(chroot, [rootfs, "/usr/bin/node", "/srv/accounting/main.js", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "", child, code: undefined as Promise<number | null> | undefined };
  child.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  out.code = new Promise((resolve) => child.on("exit", resolve));
  return out as typeof out & { code: Promise<number | null> };
}

const admin = () => new pg.Client(postgresClientConfig(platform));
const search = (method: string, path: string, body?: unknown) =>
  fetch(`${platform.elasticsearch}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  first = await buildAndPushImage(build);
  second = await buildAndPushImage(build);
  const crane = (await platformBinaries()).crane;
  mkdirSync(rootfs);
  await promisify(execFile)(
    "sh",
    ["-c", `"$0" export --insecure "$1" - | tar -C "$2" -xf -`, crane, first.reference, rootfs],
    { env: { ...process.env, DOCKER_CONFIG: platform.dockerConfig }, maxBuffer: 1 << 20 },
  );
  const probe = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const c = spawn(chroot, [rootfs, "/usr/bin/node", "-e", "1"], { env: {} });
    let stderr = "";
    c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    c.on("error", (e) => resolve({ code: -1, stderr: e.message }));
    c.on("exit", (code) => resolve({ code, stderr }));
  });
  if (probe.code !== 0 && (process.getuid?.() !== 0 || /Operation not permitted|ENOENT/.test(probe.stderr)))
    noChroot = `chroot is not possible here: ${probe.stderr.trim() || `exit ${probe.code}`}`;
  const c = admin();
  await c.connect();
  await c.query(`create database "${database}"`);
  await c.end();
}, 300_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  const c = admin();
  await c.connect();
  await c.query(`drop database if exists "${database}" with (force)`);
  await c.end();
  await search("DELETE", `/${prefix}http_logs_*`);
});

describe("the example images", () => {
  it("are reproducible: the same build twice gives the same digest", () => {
    expect(second.digest).toBe(first.digest);
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("hold node, its libraries and the loader, and nothing else of the host: chroot runs node", async (ctx) => {
    if (noChroot) {
      console.log(`skipped: ${noChroot}`);
      ctx.skip();
    }
    expect(readdirSync(rootfs).sort()).toEqual(["etc", "lib", "lib64", "migrations", "srv", "tmp", "usr"]);
    const version = await new Promise<string>((resolve, reject) =>
      execFile(
        chroot,
        [rootfs, "/usr/bin/node", "-p", "process.version + ' ' + require('os').userInfo({}).username"],
        { env: {} },
        (e, out) => (e ? reject(e) : resolve(out.trim())),
      ),
    );
    expect(version).toBe(`${process.version} root`);
    expect(readFileSync(join(rootfs, "srv/accounting/VERSION"), "utf8")).toBe(`${build.version}\n`);
    expect(readdirSync(join(rootfs, "migrations"))).toEqual(["V1__wallets.sql", "V2__transactions.sql"]);
  });

  it("migrate-db applies the image's migrations as Slipway records them, once; a failing file exits 1 naming it", async (ctx) => {
    if (noChroot) ctx.skip();
    const once = inImage(["--run-script", "migrate-db"], { DATABASE_URL: url });
    expect(await once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(
      /^migrate-db: applied V1__wallets\.sql \(\d+ ms\)\nmigrate-db: applied V2__transactions\.sql \(\d+ ms\)\nmigrate-db: applied 2 migration\(s\) from \/migrations\n$/,
    );
    const again = inImage(["--run-script", "migrate-db"], { DATABASE_URL: url });
    expect(await again.code).toBe(0);
    expect(again.stdout).toBe(
      "migrate-db: nothing to apply: the 2 migration(s) in /migrations are all applied\n",
    );

    // Slipway reads the history as its own: nothing pending for the definition's files.
    const files = migrationSet(
      readdirSync(join(accounting, "migrations")).map((name) => ({
        name,
        sql: readFileSync(join(accounting, "migrations", name), "utf8"),
      })),
    ).files;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const state = pendingMigrations(files, await readHistory(client));
      expect(state.problems).toEqual([]);
      expect(state.pending).toEqual([]);
      expect(state.applied.map((a) => [a.version, a.script, a.success])).toEqual([
        ["1", "V1__wallets.sql", true],
        ["2", "V2__transactions.sql", true],
      ]);

      writeFileSync(
        join(rootfs, "migrations", "V3__budget.sql"),
        "alter table wallets add column budget numeric;\nalter tabel wallets add column cap numeric;\n",
      );
      const failing = inImage(["--run-script", "migrate-db"], { DATABASE_URL: url });
      expect(await failing.code).toBe(1);
      expect(failing.stderr).toContain(
        'migrate-db: V3__budget.sql failed at 2:7: syntax error at or near "tabel" (SQLSTATE 42601)',
      );
      // Its own transaction: nothing of it stays, and no history row.
      const budget = await client.query(
        "select 1 from information_schema.columns where table_name = 'wallets' and column_name = 'budget'",
      );
      expect(budget.rows).toEqual([]);
      expect((await readHistory(client)).map((a) => a.script)).toEqual([
        "V1__wallets.sql",
        "V2__transactions.sql",
      ]);
    } finally {
      rmSync(join(rootfs, "migrations", "V3__budget.sql"), { force: true });
      await client.end();
    }
  });

  it("serves: ready on the database, a charge in its tables, an audit entry per call, a refused one counted; SIGTERM exits 0", async (ctx) => {
    if (noChroot) ctx.skip();
    const schema = JSON.parse(readFileSync(join(accounting, "calls/charge.request.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const created = await search("PUT", `/${alias}-000001`, {
      aliases: { [alias]: { is_write_index: true } },
      settings: auditIndexSettings,
      mappings: auditMapping(schema),
    });
    expect(created.status, await created.text()).toBe(200);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("insert into wallets (id, owner, balance) values (7, 'ada', 50)");
    const port = 20000 + Math.floor(Math.random() * 5000);
    const app = inImage([], {
      PORT: String(port),
      DATABASE_URL: url,
      AUDIT_URL: platform.elasticsearch,
      AUDIT_INDEX_PREFIX: prefix,
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100 && !app.stdout.includes("listening"); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(app.stdout).toContain(
        `accounting ${build.version} listening on :${port} (database: yes, audit: ${platform.elasticsearch})`,
      );
      expect(await (await fetch(`${base}/ready`)).json()).toEqual({ ready: true });
      const charge = (body: unknown) =>
        fetch(`${base}/accounting/charge`, {
          method: "POST",
          headers: { "x-user": "ada" },
          body: JSON.stringify(body),
        });
      const charged = await charge({
        walletId: 7,
        amount: 12.5,
        product: { id: "gpu", category: "compute" },
      });
      expect(await charged.json()).toMatchObject({ walletId: 7, balance: 37.5 });
      expect((await c.query("select amount::text from transactions where wallet_id = 7")).rows).toEqual([
        { amount: "12.50" },
      ]);
      // product as a string where the mapping has an object: Elasticsearch refuses the entry.
      const conflicting = await charge({ walletId: 7, amount: 1, product: "gpu" });
      expect(conflicting.status).toBe(200);
      let stats: { written: number; rejected: number; lastError: string | null } = {
        written: 0,
        rejected: 0,
        lastError: null,
      };
      for (let i = 0; i < 50 && stats.written + stats.rejected < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        stats = (await (await fetch(`${base}/audit-stats`)).json()) as typeof stats;
      }
      expect(stats).toMatchObject({ written: 1, rejected: 1 });
      expect(stats.lastError).toMatch(
        new RegExp(
          `^accounting\\.charge → ${alias.replace(/\./g, "\\.")}: 400 (mapper_parsing_exception|document_parsing_exception): `,
        ),
      );
      expect(app.stderr).toContain(`audit: the entry of accounting.charge was not written to ${alias}: 400 `);
      await search("POST", `/${alias}/_refresh`);
      const found = (await (await search("GET", `/${alias}/_search`)).json()) as {
        hits: { hits: { _source: Record<string, unknown> }[] };
      };
      expect(found.hits.hits.map((h) => h._source)).toEqual([
        expect.objectContaining({
          call: "accounting.charge",
          user: "ada",
          status: 200,
          version: build.version,
          request: { walletId: 7, amount: 12.5, product: { id: "gpu", category: "compute" } },
        }),
      ]);
      app.child.kill("SIGTERM");
      expect(await app.code).toBe(0);
      expect(app.stdout).toContain("SIGTERM: stopped");
    } finally {
      app.child.kill("SIGKILL");
      await c.end();
    }
  });
});
