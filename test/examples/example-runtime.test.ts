import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditWriter, searchReason } from "../../examples/platform/runtime/audit.ts";
import { parseFaults } from "../../examples/platform/runtime/faults.ts";
import { scriptOf } from "../../examples/platform/runtime/main.ts";
import { readSettings } from "../../examples/platform/runtime/settings.ts";
import { smokeTarget } from "../../examples/platform/runtime/smoke.ts";
import type { ServiceProgram } from "../../examples/platform/runtime/program.ts";
import { bundleProgram } from "../../scripts/images/bundle.ts";
import { repoRoot } from "../support/project.ts";

// The example runtime: its pieces, and accounting's bundled main.js run as a process, as the
// image runs it (no database here: the stores run on Postgres in service-stores.test.ts and in
// test/integration/example-images.test.ts).
const scratch = mkdtempSync(join(tmpdir(), "slipway-example-runtime-"));
const home = join(scratch, "srv", "accounting");
const mainJs = join(home, "main.js");

/** A stand-in for the search server's document API: answers each POST with `answer`. */
let search: Server;
let searchUrl: string;
const received: { url: string; body: Record<string, unknown> }[] = [];
let answer: { status: number; body: unknown } = { status: 201, body: { result: "created" } };

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "VERSION"), "2.3.1\n");
  writeFileSync(join(home, "package.json"), '{ "type": "module" }\n');
  const bundle = await bundleProgram({
    service: "accounting",
    program: join(repoRoot, "examples/platform/services/accounting/app"),
    calls: [{ name: "accounting.charge", audited: true }],
    servicePort: 80,
    migrationFolders: ["/migrations", "/srv/accounting/migrations"],
  });
  writeFileSync(mainJs, bundle);
  search = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    received.push({ url: req.url ?? "", body: JSON.parse(text) as Record<string, unknown> });
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => search.listen(0, "127.0.0.1", resolve));
  searchUrl = `http://127.0.0.1:${(search.address() as AddressInfo).port}`;
});
afterAll(() => {
  search.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Running {
  readonly child: ChildProcess;
  url: string;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

/** Starts main.js as the image would (PORT 0: a free port), with only the variables given. */
async function start(env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [mainJs], {
    env: { PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const running: Running = {
    child,
    url: "",
    stdout: "",
    stderr: "",
    exited: new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code))),
  };
  child.stderr?.on("data", (d: Buffer) => (running.stderr += d.toString()));
  const port = await new Promise<string | undefined>((resolve) => {
    child.stdout?.on("data", (d: Buffer) => {
      running.stdout += d.toString();
      const m = / listening on :(\d+)/.exec(running.stdout);
      if (m) resolve(m[1]);
    });
    child.on("exit", () => resolve(undefined));
  });
  if (!port) throw new Error(`main.js did not start: ${running.stderr}`);
  running.url = `http://127.0.0.1:${port}`;
  return running;
}

/** Runs main.js to its end. */
async function runToEnd(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, [mainJs, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("the runtime's settings", () => {
  it("reads the arguments Kubernetes appends to the entrypoint", () => {
    expect(scriptOf([])).toBeUndefined();
    expect(scriptOf(["--run-script", "migrate-db"])).toBe("migrate-db");
    expect(scriptOf(["prune-audit"])).toBe("prune-audit");
    expect(() => scriptOf(["--run-script"])).toThrow("--run-script needs a script name");
  });

  it("switches faults by SLIPWAY_EXAMPLE_FAULT, several at once, and refuses an unknown one", () => {
    expect([...parseFaults("never-ready, smoke-fails")]).toEqual(["never-ready", "smoke-fails"]);
    expect(parseFaults(undefined).size).toBe(0);
    expect(() => parseFaults("never-redy")).toThrow(
      'SLIPWAY_EXAMPLE_FAULT: no fault "never-redy" (there are exit-at-start, never-ready, smoke-fails, fail-quarter)',
    );
  });

  it("takes the version beside main.js, the namespace from POD_NAMESPACE or the mounted file", () => {
    const files = new Map([
      ["/srv/mail/VERSION", "0.9.2\n"],
      ["/var/run/secrets/kubernetes.io/serviceaccount/namespace", "research-dev"],
    ]);
    const fs = { exists: (p: string) => files.has(p), read: (p: string) => files.get(p) ?? "" };
    const settings = readSettings(
      { AUDIT_URL: "http://es:9200/", AUDIT_INDEX_PREFIX: "prod-" },
      "/srv/mail/main.js",
      fs,
    );
    expect(settings).toMatchObject({
      version: "0.9.2",
      root: "/",
      port: 8080,
      namespace: "research-dev",
      auditUrl: "http://es:9200",
      auditIndexPrefix: "prod-",
      databaseUrl: undefined,
    });
    expect(readSettings({ POD_NAMESPACE: "ns-a" }, "/srv/mail/main.js", fs).namespace).toBe("ns-a");
    const program = { name: "mail", servicePort: 80 } as ServiceProgram;
    expect(smokeTarget(program, readSettings({ POD_NAMESPACE: "ns-a" }, "/srv/mail/main.js", fs))).toBe(
      "http://mail.ns-a.svc.cluster.local:80",
    );
    const none = { exists: () => false, read: () => "" };
    expect(() => smokeTarget(program, readSettings({}, "/srv/mail/main.js", none))).toThrow(
      /set POD_NAMESPACE/,
    );
    expect(() => readSettings({ PORT: "http" }, "/srv/mail/main.js", none)).toThrow(
      'PORT must be a port, not "http"',
    );
  });
});

describe("audit entries", () => {
  const entry = {
    call: "accounting.charge",
    user: "ada",
    status: 200,
    started: new Date("2026-12-01T10:00:00.000Z"),
    durationMs: 3.4,
    request: { walletId: 1, amount: 2 },
  };

  it("posts the envelope, the request and the version to the call's write alias, and counts it", async () => {
    received.length = 0;
    answer = { status: 201, body: { result: "created" } };
    const warnings: string[] = [];
    const writer = new AuditWriter(searchUrl, "prod-", "2.3.1", (l) => warnings.push(l));
    await writer.write(entry);
    expect(received).toEqual([
      {
        url: "/prod-http_logs_accounting.charge/_doc?require_alias=true",
        body: {
          "@timestamp": "2026-12-01T10:00:00.000Z",
          call: "accounting.charge",
          user: "ada",
          status: 200,
          duration_ms: 3,
          request: { walletId: 1, amount: 2 },
          version: "2.3.1",
        },
      },
    ]);
    expect(writer.stats).toEqual({ written: 1, rejected: 0, lastError: null });
    expect(warnings).toEqual([]);
  });

  it("logs and counts a document the search server refuses, with its reason", async () => {
    answer = {
      status: 400,
      body: {
        error: {
          type: "mapper_parsing_exception",
          reason:
            "object mapping for [request.product] tried to parse field [product] as object, but found a concrete value",
        },
        status: 400,
      },
    };
    const warnings: string[] = [];
    const writer = new AuditWriter(searchUrl, "", "2.3.1", (l) => warnings.push(l));
    await writer.write(entry);
    const reason =
      "400 mapper_parsing_exception: object mapping for [request.product] tried to parse field [product] as object, but found a concrete value";
    expect(warnings).toEqual([
      `audit: the entry of accounting.charge was not written to http_logs_accounting.charge: ${reason}`,
    ]);
    expect(writer.stats).toEqual({
      written: 0,
      rejected: 1,
      lastError: `accounting.charge → http_logs_accounting.charge: ${reason}`,
    });
    const unreachable = new AuditWriter("http://127.0.0.1:1", "", "2.3.1", () => undefined);
    await unreachable.write(entry);
    expect(unreachable.stats.rejected).toBe(1);
    expect(unreachable.stats.lastError).toMatch(
      /^accounting\.charge → http_logs_accounting\.charge: cannot reach http:\/\/127\.0\.0\.1:1/,
    );
    expect(searchReason("not json")).toBe("not json");
  });
});

describe("accounting's main.js, run as the image runs it", () => {
  it("serves /healthz, /ready and handle(), audits each call without failing it, and reports the counts", async () => {
    received.length = 0;
    const app = await start({ AUDIT_URL: searchUrl });
    try {
      expect(app.url, app.stderr).not.toBe("");
      expect(app.stdout).toContain("accounting 2.3.1 listening on :");
      expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ ok: true });
      expect((await fetch(`${app.url}/ready`)).status).toBe(200);
      answer = { status: 201, body: { result: "created" } };
      const charged = await post(
        `${app.url}/accounting/charge`,
        { walletId: 1, amount: 2 },
        { "x-user": "ada" },
      );
      expect(await charged.json()).toEqual({ walletId: 1, balance: 98 });
      // The entry is written after the answer: wait for it before the stand-in changes its mind.
      for (let i = 0; i < 50 && received.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      answer = {
        status: 400,
        body: { error: { type: "mapper_parsing_exception", reason: "failed to parse" } },
      };
      const refused = await post(`${app.url}/accounting/charge`, { walletId: 1, amount: 1 });
      expect(refused.status).toBe(200); // the caller's answer does not depend on the audit
      await new Promise((r) => setTimeout(r, 200));
      expect(await (await fetch(`${app.url}/audit-stats`)).json()).toEqual({
        written: 1,
        rejected: 1,
        lastError:
          "accounting.charge → http_logs_accounting.charge: 400 mapper_parsing_exception: failed to parse",
      });
      expect(received.map((r) => [r.body.user, r.body.status, r.body.version])).toEqual([
        ["ada", 200, "2.3.1"],
        ["anonymous", 200, "2.3.1"],
      ]);
      // A route that is not a call writes no audit entry.
      await post(`${app.url}/accounting/nothing`, {});
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(2);
      expect(app.stderr).toContain(
        "audit: the entry of accounting.charge was not written to http_logs_accounting.charge: 400 mapper_parsing_exception: failed to parse",
      );
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  it("on SIGTERM stops accepting, finishes the request in flight, and exits 0", async () => {
    const app = await start({ SHUTDOWN_LINGER_MS: "0" });
    const port = Number(new URL(app.url).port);
    const body = JSON.stringify({ walletId: 1, amount: 1 });
    // A request whose body is still arriving when SIGTERM comes.
    const inFlight = new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          port,
          host: "127.0.0.1",
          method: "POST",
          path: "/accounting/charge",
          headers: { "content-length": body.length },
        },
        (res: IncomingMessage) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        app.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(5)), 300);
      }, 100);
    });
    const done = await inFlight;
    expect(done).toEqual({ status: 200, text: JSON.stringify({ walletId: 1, balance: 99 }) });
    expect(await app.exited).toBe(0);
    expect(app.stdout).toContain("SIGTERM: no new connections; finishing the requests in flight");
    expect(app.stdout).toContain("SIGTERM: stopped");
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  });

  it("never-ready: /ready answers 503 with the reason, logged once", async () => {
    const app = await start({ SLIPWAY_EXAMPLE_FAULT: "never-ready" });
    try {
      for (let i = 0; i < 3; i++) {
        const ready = await fetch(`${app.url}/ready`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({
          ready: false,
          reason: "fault never-ready injected by SLIPWAY_EXAMPLE_FAULT: this instance never becomes ready",
        });
      }
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect(app.stderr.match(/not ready: /g)).toHaveLength(1);
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  it("fail-quarter: every 4th audited call answers 500, audited as 500; probes and other routes unaffected", async () => {
    received.length = 0;
    answer = { status: 201, body: { result: "created" } };
    const app = await start({ AUDIT_URL: searchUrl, SLIPWAY_EXAMPLE_FAULT: "fail-quarter" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        // Probes and a route that is no call between the calls: they are not counted.
        expect((await fetch(`${app.url}/ready`)).status).toBe(200);
        expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
        expect((await post(`${app.url}/accounting/nothing`, {})).status).not.toBe(500);
        const charged = await post(`${app.url}/accounting/charge`, { walletId: 1, amount: i + 1 });
        expect(charged.headers.get("x-served-by-version")).toBe("2.3.1");
        statuses.push(charged.status);
        if (charged.status === 500)
          expect(await charged.json()).toEqual({
            error: "fault fail-quarter injected by SLIPWAY_EXAMPLE_FAULT: every 4th call fails",
          });
      }
      expect(statuses).toEqual([200, 200, 200, 500, 200, 200, 200, 500]);
      for (let i = 0; i < 50 && received.length < 8; i++) await new Promise((r) => setTimeout(r, 20));
      // Each call's entry (known by its amount: entries may arrive out of order) has the status its caller got.
      const byAmount = new Map(
        received.map((r) => [(r.body.request as { amount: number }).amount, r.body.status]),
      );
      expect(statuses.map((_, i) => byAmount.get(i + 1))).toEqual(statuses);
      expect(received.every((r) => r.body.version === "2.3.1")).toBe(true);
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  it("exit-at-start: a fatal line and exit 1; unknown script: exit 2; migrate-db without migrations: exit 1", async () => {
    const fatal = await runToEnd({ SLIPWAY_EXAMPLE_FAULT: "exit-at-start" }, []);
    expect(fatal).toMatchObject({ code: 1, stdout: "" });
    expect(fatal.stderr).toBe(
      "fatal: cannot parse /etc/accounting/accounting.yaml: fault exit-at-start injected by SLIPWAY_EXAMPLE_FAULT\n",
    );
    const unknown = await runToEnd({}, ["--run-script", "reticulate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'accounting: no script "reticulate" (the scripts are charge-usage, migrate-db, smoke-test)\n',
    );
    const migrate = await runToEnd({ DATABASE_URL: "postgresql://127.0.0.1:1/x" }, [
      "--run-script",
      "migrate-db",
    ]);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toBe(
      "migrate-db: this image has no migrations (looked in /migrations, /srv/accounting/migrations)\n",
    );
    const noDb = await runToEnd({}, ["--run-script", "charge-usage"]);
    expect(noDb).toMatchObject({ code: 1, stderr: "charge-usage: DATABASE_URL is not set\n" });
  });

  it("smoke-test: checks /ready and one real call through the Service; fails with its reason", async () => {
    const app = await start();
    try {
      const passed = await runToEnd({ SMOKE_TEST_URL: app.url }, ["--run-script", "smoke-test"]);
      expect(passed.stderr).toBe("");
      expect(passed.code).toBe(0);
      expect(passed.stdout).toContain("smoke-test: GET /ready 200\n");
      expect(passed.stdout).toContain(
        'smoke-test: accounting.charge (POST /accounting/charge) 404: {"error":"no wallet 0"}\n',
      );
      expect(passed.stdout).toContain("smoke-test: passed\n");
      const faulted = await runToEnd({ SMOKE_TEST_URL: app.url, SLIPWAY_EXAMPLE_FAULT: "smoke-fails" }, [
        "--run-script",
        "smoke-test",
      ]);
      expect(faulted.code).toBe(1);
      expect(faulted.stderr).toBe(
        "smoke-test: FAILED: fault smoke-fails injected by SLIPWAY_EXAMPLE_FAULT: the answers above are taken as wrong\n",
      );
    } finally {
      app.child.kill("SIGKILL");
    }
    const down = await runToEnd({ SMOKE_TEST_URL: app.url }, ["--run-script", "smoke-test"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      new RegExp(`^smoke-test: FAILED: GET ${app.url}/ready answered nothing: fetch failed: .*ECONNREFUSED`),
    );
    const noNamespace = await runToEnd({}, ["--run-script", "smoke-test"]);
    expect(noNamespace.stderr).toContain("smoke-test: FAILED: the namespace is unknown: set POD_NAMESPACE");
  });
});
