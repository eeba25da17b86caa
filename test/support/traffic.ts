// A bounded traffic loop for tests: requests at a steady rate to one service, reached through
// loopback, a ClusterIP (kube-proxy routes it on this machine) or a pod's address on the real
// node's bridge, and nothing else. Bounded in count and in time, it stops by itself; what it
// counts is every answer by status and by the version that gave it (x-served-by-version, set by
// the example runtime), so a canary's share and its failures can be told from the stable ones.
import { request } from "node:http";
import { BlockList, isIP } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { serviceClusterIpRange } from "../../platform/src/parts/kube-apiserver.ts";
import { realNode } from "../../platform/src/parts/node/network.ts";

export interface TrafficOptions {
  /** Where the service is: http:// and an address on this machine (see `reachable`). */
  readonly url: string;
  /** Appended to the url's path; "/" by default. */
  readonly path?: string;
  /** GET by default, or POST when there is a body. */
  readonly method?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Requests started per second, whether or not earlier ones have been answered. */
  readonly ratePerSecond: number;
  /** It stops by itself after this many requests… */
  readonly maxRequests: number;
  /** …or once this long has passed, whichever comes first. */
  readonly maxSeconds: number;
  /** Each request's own limit (default 5000 ms): an answer later than that counts as "timeout". */
  readonly timeoutMs?: number;
}

export interface TrafficResult {
  readonly requests: number;
  /** Answers by HTTP status ("200", "500"); requests with no answer by error code ("ECONNRESET", "timeout"). */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Answers by the version that gave them ("unknown" without the header), each by status. */
  readonly byVersion: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Requests answered with a status of 400 or more, or not answered at all. */
  readonly failed: number;
  readonly seconds: number;
  readonly stoppedBy: "stop" | "maxRequests" | "maxSeconds";
}

export interface Traffic {
  /** Sends no more requests, waits for the ones in flight, and gives the counts. */
  stop(): Promise<TrafficResult>;
  /** The counts once it has stopped, by itself or by stop(). */
  readonly done: Promise<TrafficResult>;
}

/** The header the example runtime names its version in (examples/platform/runtime/server.ts). */
export const versionHeader = "x-served-by-version";

/** Loopback, the ClusterIPs and the real node's bridge (its address and its pods'). */
const local = new BlockList();
local.addSubnet("127.0.0.0", 8, "ipv4");
local.addAddress("::1", "ipv6");
for (const range of [serviceClusterIpRange, realNode.podSubnet]) {
  const [network = "", prefix = ""] = range.split("/");
  local.addSubnet(network, Number(prefix), "ipv4");
}

/** Why a url is not one this loop may send to, or undefined when it may. */
export function unreachableReason(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== "http:") return `${url}: only http:// (a service on this machine)`;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host);
  if (host === "localhost" || (family && local.check(host, family === 6 ? "ipv6" : "ipv4"))) return undefined;
  return `${url}: traffic goes only to loopback, a ClusterIP (${serviceClusterIpRange}) or a pod on the real node (${realNode.podSubnet}), by address`;
}

/**
 * Starts the loop. Every request opens a connection of its own and closes it: kube-proxy picks
 * a pod per connection, so kept-alive connections would send every call to the few pods they
 * first reached, and a canary's share of calls would not be its share of pods.
 */
export function startTraffic(options: TrafficOptions): Traffic {
  const reason = unreachableReason(options.url);
  if (reason) throw new Error(`startTraffic: ${reason}`);
  const { ratePerSecond, maxRequests, maxSeconds } = options;
  if (!(ratePerSecond > 0 && ratePerSecond <= 1000))
    throw new Error(`startTraffic: ratePerSecond is from above 0 to 1000, not ${ratePerSecond}`);
  if (!Number.isInteger(maxRequests) || maxRequests < 1)
    throw new Error(`startTraffic: maxRequests is a whole number ≥ 1, not ${maxRequests}`);
  if (!(maxSeconds > 0 && maxSeconds <= 3600))
    throw new Error(`startTraffic: maxSeconds is from above 0 to 3600, not ${maxSeconds}`);

  const target = new URL(options.url);
  target.pathname = `${target.pathname.replace(/\/$/, "")}${options.path ?? "/"}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const method = options.method ?? (payload === undefined ? "GET" : "POST");
  const headers: Record<string, string> = {
    ...(payload === undefined
      ? {}
      : { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) }),
    ...options.headers,
    connection: "close",
  };
  const timeoutMs = options.timeoutMs ?? 5000;

  const byStatus: Record<string, number> = {};
  const byVersion: Record<string, Record<string, number>> = {};
  let requests = 0;
  let failed = 0;
  const count = (outcome: string, version: string | undefined, bad: boolean): void => {
    byStatus[outcome] = (byStatus[outcome] ?? 0) + 1;
    if (version !== undefined) {
      const counts = (byVersion[version] ??= {});
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    if (bad) failed++;
  };

  /** One request on a connection of its own (agent: false); resolves once counted, never rejects. */
  const send = (): Promise<void> =>
    new Promise((resolve) => {
      let counted = false;
      const finish = (outcome: string, version: string | undefined, bad: boolean): void => {
        if (counted) return;
        counted = true;
        count(outcome, version, bad);
        resolve();
      };
      const fail = (error: Error): void =>
        finish((error as { code?: string }).code ?? error.name, undefined, true);
      const req = request(target, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on("end", () => {
          const header = res.headers[versionHeader];
          const status = res.statusCode ?? 0;
          finish(String(status), (Array.isArray(header) ? header[0] : header) ?? "unknown", status >= 400);
        });
        res.on("error", fail);
      });
      req.on("timeout", () =>
        req.destroy(Object.assign(new Error("no answer in time"), { code: "timeout" })),
      );
      req.on("error", fail);
      req.end(payload);
    });

  const stopping = new AbortController();
  const started = Date.now();
  const deadline = started + maxSeconds * 1000;
  const interval = 1000 / ratePerSecond;
  const done = (async (): Promise<TrafficResult> => {
    const inFlight = new Set<Promise<void>>();
    let stoppedBy: TrafficResult["stoppedBy"] = "maxRequests";
    for (let i = 0; i < maxRequests; i++) {
      // Open loop: the i-th request is due at a fixed time, however slow the answers are.
      const due = started + i * interval;
      if (due >= deadline) {
        stoppedBy = "maxSeconds";
        break;
      }
      if (due > Date.now())
        await sleep(due - Date.now(), undefined, { signal: stopping.signal }).catch(() => undefined);
      if (stopping.signal.aborted) {
        stoppedBy = "stop";
        break;
      }
      requests++;
      const sent = send().finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await Promise.all([...inFlight]);
    return { requests, byStatus, byVersion, failed, seconds: (Date.now() - started) / 1000, stoppedBy };
  })();
  return {
    done,
    stop() {
      stopping.abort();
      return done;
    },
  };
}
