// The service over HTTP on $PORT: /healthz (liveness), /ready (readiness), /audit-stats, and
// every call of handle(), with the service's real queries when it has a database and one audit
// entry per audited call. Every answer names the version that gave it (x-served-by-version). SIGTERM: stop accepting, finish what is in flight, exit 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AuditWriter } from "./audit.ts";
import type { Database } from "./database.ts";
import { injected, quarterFailer } from "./faults.ts";
import { callPath, type Response, type ServiceProgram } from "./program.ts";
import type { Settings } from "./settings.ts";

export interface Output {
  readonly log: (line: string) => void;
  readonly warn: (line: string) => void;
}

export interface RunningServer {
  readonly server: Server;
  readonly audit: AuditWriter | undefined;
  /**
   * Answers with "Connection: close" for `lingerMs`, then stops accepting (`onStopAccepting`),
   * lets the requests in flight and the audit writes finish.
   */
  close(lingerMs?: number, onStopAccepting?: () => void): Promise<void>;
}

/** Answers one request: the runtime's own routes, else the service's handle() and store. */
export function responder(
  program: ServiceProgram,
  settings: Settings,
  db: Database | undefined,
  out: Output,
  isClosing: () => boolean,
  audit?: AuditWriter,
) {
  const handle = program.handler.handle;
  if (!handle) throw new Error(`${program.name} has no handle(): it serves no HTTP`);
  const calls = new Map(program.calls.map((c) => [callPath(c.name), c]));
  const failsNow = settings.faults.has("fail-quarter") ? quarterFailer() : () => false;
  let lastUnready: string | undefined | null = null; // null: not asked yet

  const readiness = async (): Promise<string | undefined> => {
    if (settings.faults.has("never-ready"))
      return `${injected("never-ready")}: this instance never becomes ready`;
    if (isClosing()) return "shutting down";
    return db?.unready();
  };

  return async function respond(
    method: string,
    url: URL,
    body: unknown,
  ): Promise<Response & { call?: string; audited?: boolean }> {
    if (method === "GET" && url.pathname === "/healthz") return { status: 200, body: { ok: true } };
    if (method === "GET" && url.pathname === "/ready") {
      const reason = await readiness();
      if (reason !== lastUnready) {
        // Said once per change, not once per probe.
        if (reason) out.warn(`not ready: ${reason}`);
        else if (lastUnready !== null) out.log("ready");
        lastUnready = reason;
      }
      return reason
        ? { status: 503, body: { ready: false, reason } }
        : { status: 200, body: { ready: true } };
    }
    if (method === "GET" && url.pathname === "/audit-stats")
      return { status: 200, body: audit ? { ...audit.stats } : { written: 0, rejected: 0, lastError: null } };
    const call = method === "POST" ? calls.get(url.pathname) : undefined;
    if (call?.audited && failsNow())
      return {
        status: 500,
        body: { error: `${injected("fail-quarter")}: every 4th call fails` },
        call: call.name,
        audited: true,
      };
    const request = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    let answer = handle(request);
    const query = call ? program.store.calls?.[call.name] : undefined;
    // handle() decides what is invalid; with a database, the store's answer is the real one.
    if (call && query && db && answer.status !== 400) answer = await query(db, body, answer);
    return call ? { ...answer, call: call.name, audited: call.audited } : answer;
  };
}

/** Starts serving; resolves once listening. */
export async function serve(
  program: ServiceProgram,
  settings: Settings,
  db: Database | undefined,
  out: Output,
): Promise<RunningServer> {
  const audit = settings.auditUrl
    ? new AuditWriter(settings.auditUrl, settings.auditIndexPrefix, settings.version, out.warn)
    : undefined;
  let closing = false;
  const respond = responder(program, settings, db, out, () => closing, audit);
  const inFlight = new Set<ServerResponse>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.on("close", () => {
      inFlight.delete(res);
      if (closing) server.closeIdleConnections();
    });
    const started = new Date();
    const url = new URL(req.url ?? "/", "http://localhost");
    let body: unknown;
    let status = 500;
    let answer: Awaited<ReturnType<typeof respond>> | undefined;
    try {
      let text = "";
      for await (const chunk of req) text += chunk;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      answer = await respond(req.method ?? "GET", url, body);
      status = answer.status;
      send(res, status, answer.body, closing, settings.version);
    } catch (error) {
      out.warn(`${req.method} ${url.pathname}: ${(error as Error).message}`);
      send(res, 500, { error: (error as Error).message }, closing, settings.version);
    }
    const durationMs = Date.now() - started.getTime();
    if (url.pathname !== "/healthz" && url.pathname !== "/ready")
      out.log(`${req.method} ${url.pathname} ${status} ${durationMs}ms`);
    if (answer?.call && answer.audited && audit) {
      const header = req.headers["x-user"];
      void audit.write({
        call: answer.call,
        user: (Array.isArray(header) ? header[0] : header) || "anonymous",
        status,
        started,
        durationMs,
        request: body,
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, () => resolve());
  });

  return {
    server,
    audit,
    async close(lingerMs = 0, onStopAccepting?: () => void) {
      closing = true;
      // A client may be writing its next request on a kept-alive connection right now: closing
      // it at once resets that request. For a while, every answer closes its connection instead,
      // and a client closes an idle one itself after its keep-alive timeout (undici's: 4 s).
      if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
      onStopAccepting?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await audit?.flush();
    },
  };
}

/** The header naming the version that answered: a canary's traffic is counted by it. */
export const servedByHeader = "x-served-by-version";

function send(res: ServerResponse, status: number, body: unknown, closing: boolean, version: string): void {
  res.writeHead(status, {
    "content-type": "application/json",
    [servedByHeader]: version,
    // Once shutting down, a kept-alive connection is closed after its answer.
    ...(closing ? { connection: "close" } : {}),
  });
  res.end(JSON.stringify(body ?? null));
}
