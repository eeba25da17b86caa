import { PGlite } from "@electric-sql/pglite";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, Response, Store } from "../../examples/platform/runtime/program.ts";
import { repoRoot } from "../support/project.ts";

// Each example service's store.js (the real queries of its calls and its scripts), run on a real
// Postgres (PGlite) migrated with the service's own migrations.
const services = join(repoRoot, "examples", "platform", "services");
let pg: PGlite;

/** The runtime's Db over PGlite: the same two operations the runtime's pool offers. */
function dbOver(client: Pick<PGlite, "query">, inTransaction = false): Db {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await client.query<R>(text, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
      return inTransaction ? work(this) : pg.transaction((tx) => work(dbOver(tx, true)));
    },
  };
}

const load = async (service: string) => {
  const store = (await import(join(services, service, "app", "store.js"))) as Store;
  const handler = (await import(join(services, service, "app", "handler.js"))) as {
    handle: (r: { method: string; path: string; query: object; body: unknown }) => Response;
  };
  /** A call as the runtime makes it: handle() first; the store's answer unless handle() said 400. */
  return async (call: string, body: unknown): Promise<Response> => {
    const handled = handler.handle({
      method: "POST",
      path: `/${call.split(".").join("/")}`,
      query: {},
      body,
    });
    const query = store.calls?.[call];
    if (!query || handled.status === 400) return handled;
    return query(dbOver(pg), body, handled);
  };
};

const script = async (service: string, name: string, env: Record<string, string> = {}) => {
  const store = (await import(join(services, service, "app", "store.js"))) as Store;
  const lines: string[] = [];
  const run = store.scripts?.[name];
  if (!run) throw new Error(`${service} has no script ${name}`);
  const code = await run({ db: dbOver(pg), env, log: (l) => lines.push(l) });
  return { code: code ?? 0, lines };
};

beforeAll(async () => {
  pg = await PGlite.create();
  for (const service of readdirSync(services)) {
    const dir = join(services, service, "migrations");
    let files: string[] = [];
    try {
      files = readdirSync(dir).sort((a, b) =>
        a.startsWith("R__") ? 1 : b.startsWith("R__") ? -1 : a < b ? -1 : 1,
      );
    } catch {
      continue;
    }
    for (const file of files) await pg.exec(readFileSync(join(dir, file), "utf8"));
  }
});
afterAll(() => pg.close());

describe("the example services' stores, on their own migrated tables", () => {
  it("accounting.charge lowers the wallet's balance and records the transaction, or refuses", async () => {
    const charge = await load("accounting");
    await pg.query("insert into wallets (id, owner, balance) values (41, 'ada', 10.00)");
    expect(await charge("accounting.charge", { walletId: 41, amount: 2.5 })).toMatchObject({
      status: 200,
      body: { walletId: 41, balance: 7.5 },
    });
    expect(await charge("accounting.charge", { walletId: 41, amount: 8 })).toEqual({
      status: 402,
      body: { error: "insufficient funds", balance: 7.5 },
    });
    expect((await charge("accounting.charge", { walletId: 999, amount: 1 })).status).toBe(404);
    expect((await charge("accounting.charge", { walletId: "41", amount: 1 })).status).toBe(400);
    const rows = await pg.query<{ amount: string }>(
      "select amount::text from transactions where wallet_id = 41",
    );
    expect(rows.rows).toEqual([{ amount: "2.50" }]);
    const usage = await script("accounting", "charge-usage");
    expect(usage.lines).toEqual([
      "charge-usage: wallet 41: 1 charge(s), 2.50 in total",
      "charge-usage: 1 wallet(s) charged in the last 15 minutes",
    ]);
  });

  it("auth.login registers the user on first login and opens a session each time", async () => {
    const call = await load("auth");
    const first = await call("auth.login", { username: "bo", provider: "orcid" });
    const second = await call("auth.login", { username: "bo", provider: "orcid" });
    expect(first.status).toBe(200);
    const sessions = await pg.query<{ id: string }>(
      "select s.id from sessions s join users u on u.id = s.user_id where u.username = 'bo' order by s.expires_at",
    );
    expect(sessions.rows.map((r) => r.id).sort()).toEqual(
      [(first.body as { token: string }).token, (second.body as { token: string }).token].sort(),
    );
    expect((await pg.query("select 1 from users where username = 'bo'")).rows).toHaveLength(1);
  });

  it("files.upload stores files by their conflict policy; files.browse lists a folder from the table", async () => {
    const call = await load("files");
    expect(await call("files.upload", { path: "/home/cy/b.txt", size: 20 })).toMatchObject({ status: 201 });
    expect(await call("files.upload", { path: "/home/cy/a.txt", size: 30 })).toMatchObject({ status: 201 });
    expect((await call("files.upload", { path: "/home/cy/a.txt", size: 31 })).status).toBe(409);
    expect(
      (await call("files.upload", { path: "/home/cy/a.txt", size: 32, conflictPolicy: "rename" })).body,
    ).toMatchObject({ path: "/home/cy/a (1).txt" });
    expect(await call("files.browse", { path: "/home/cy", sortBy: "size", itemsPerPage: 2 })).toEqual({
      status: 200,
      body: {
        items: [
          { name: "b.txt", size: 20 },
          { name: "a.txt", size: 30 },
        ],
        total: 3,
      },
    });
    await pg.query(
      "insert into shares (file_id, shared_with, expires_at) select id, 'dee', now() - interval '1 day' from files where path = '/home/cy/a.txt'",
    );
    expect((await script("files", "expire-shares")).lines).toEqual([
      "expire-shares: 1 expired share(s) removed",
    ]);
  });

  it("mail.send queues the message in the outbox with the statement queries.sql lists", async () => {
    const call = await load("mail");
    const sent = await call("mail.send", {
      recipient: "ed@example.org",
      template: "welcome",
      params: { name: "Ed" },
    });
    expect(sent).toMatchObject({ status: 202, body: { queued: true, subject: "Welcome, Ed" } });
    const row = await pg.query("select recipient, subject, sent_at from outbox");
    expect(row.rows).toEqual([{ recipient: "ed@example.org", subject: "Welcome, Ed", sent_at: null }]);
    const listed = readFileSync(join(services, "mail", "queries.sql"), "utf8");
    const store = readFileSync(join(services, "mail", "app", "store.js"), "utf8");
    for (const statement of store.match(/"((?:insert|select|update|delete) [^"]+)"/g) ?? [])
      expect(listed).toContain(statement.slice(1, -1));
  });

  it("apps.start records the application, apps.stop marks it and gc-applications finishes it", async () => {
    const call = await load("app-orchestrator");
    const started = await call("apps.start", { application: { name: "jupyter", version: "4" } });
    expect(started).toMatchObject({ status: 201, body: { application: "jupyter:4" } });
    const jobId = (started.body as { jobId: string }).jobId;
    expect(jobId).toMatch(/^\d+$/);
    expect(await call("apps.stop", { jobId })).toMatchObject({
      status: 200,
      body: { jobId, state: "stopping" },
    });
    expect((await call("apps.stop", { jobId: "0" })).status).toBe(404);
    expect((await script("app-orchestrator", "gc-applications")).lines).toEqual([
      "gc-applications: 1 stopping application(s) marked stopped",
    ]);
    expect((await pg.query("select state from applications where id = $1", [jobId])).rows).toEqual([
      { state: "stopped" },
    ]);
  });
});
