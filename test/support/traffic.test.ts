import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTraffic, unreachableReason } from "./traffic.ts";

// The traffic loop against a server on loopback that answers as two versions, one per
// connection in turn, and fails every 5th request: the counts, the bounds, a connection per request.
let server: Server;
let url: string;
let connections = 0;
let answered = 0;
const seen: { method?: string; body: string; user?: string }[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, body, user: req.headers["x-user"] as string | undefined });
    const n = ++answered;
    const version = (req.socket as { version?: string }).version;
    res.writeHead(n % 5 === 0 ? 500 : 200, { "x-served-by-version": version ?? "none" }).end("{}");
  });
  server.on("connection", (socket) => {
    connections++;
    (socket as { version?: string }).version = connections % 2 ? "1.0.0" : "1.1.0";
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

const reset = (): void => {
  connections = 0;
  answered = 0;
  seen.length = 0;
};

describe("the bounded traffic loop", () => {
  it("stops by itself after maxRequests, one connection per request, counted by status and version", async () => {
    reset();
    const traffic = startTraffic({
      url,
      path: "/files/browse",
      body: { path: "/home/ada" },
      headers: { "x-user": "traffic-test" },
      ratePerSecond: 200,
      maxRequests: 40,
      maxSeconds: 10,
    });
    const result = await traffic.done;
    expect(result).toMatchObject({
      requests: 40,
      stoppedBy: "maxRequests",
      byStatus: { "200": 32, "500": 8 },
      failed: 8,
    });
    expect(connections).toBe(40);
    const versions = result.byVersion;
    expect(Object.keys(versions).sort()).toEqual(["1.0.0", "1.1.0"]);
    const total = (v: string): number => Object.values(versions[v] ?? {}).reduce((a, b) => a + b, 0);
    expect(total("1.0.0")).toBe(20);
    expect(total("1.1.0")).toBe(20);
    expect(seen[0]).toEqual({ method: "POST", body: '{"path":"/home/ada"}', user: "traffic-test" });
    // 40 requests at 200 a second: about 0.2 s (bounded loosely: the machine is shared).
    expect(result.seconds).toBeLessThan(3);
    expect(await traffic.stop()).toBe(result);
  });

  it("stops by itself after maxSeconds, at its rate", async () => {
    reset();
    const result = await startTraffic({ url, ratePerSecond: 40, maxRequests: 10_000, maxSeconds: 0.5 }).done;
    expect(result.stoppedBy).toBe("maxSeconds");
    expect(result.requests).toBe(20); // due at 0, 25, …, 475 ms
    expect(result.seconds).toBeGreaterThanOrEqual(0.45);
    expect(result.seconds).toBeLessThan(3);
    expect(seen[0]?.method).toBe("GET");
  });

  it("stops when told, after the requests in flight are answered", async () => {
    reset();
    const traffic = startTraffic({ url, ratePerSecond: 50, maxRequests: 10_000, maxSeconds: 60 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await traffic.stop();
    expect(result.stoppedBy).toBe("stop");
    expect(result.requests).toBeGreaterThanOrEqual(10);
    // About 16 (at 0, 20, …, 300 ms); more only if the timer fired late on a busy machine.
    expect(result.requests).toBeLessThan(50);
    expect(answered).toBe(result.requests);
  });

  it("counts requests nobody answered by their error", async () => {
    const result = await startTraffic({
      url: "http://127.0.0.1:1",
      ratePerSecond: 100,
      maxRequests: 3,
      maxSeconds: 5,
    }).done;
    expect(result).toMatchObject({ requests: 3, failed: 3, byStatus: { ECONNREFUSED: 3 }, byVersion: {} });
  });

  it("sends only to loopback, a ClusterIP or a pod on the real node, by address", () => {
    for (const ok of [
      "http://127.0.0.1:8080",
      "http://localhost:3000",
      "http://[::1]/",
      "http://10.96.14.2",
      "http://10.89.0.17:8080",
    ])
      expect(unreachableReason(ok), ok).toBeUndefined();
    expect(unreachableReason("http://10.1.2.3")).toBe(
      "http://10.1.2.3: traffic goes only to loopback, a ClusterIP (10.96.0.0/16) or a pod on the real node (10.89.0.0/16), by address",
    );
    expect(unreachableReason("http://files.research-dev.svc.cluster.local")).toMatch(/by address$/);
    expect(unreachableReason("http://8.8.8.8")).toMatch(/by address$/);
    expect(unreachableReason("https://127.0.0.1")).toBe(
      "https://127.0.0.1: only http:// (a service on this machine)",
    );
    expect(unreachableReason("files")).toBe('"files" is not a URL');
    expect(() =>
      startTraffic({ url: "http://8.8.8.8", ratePerSecond: 1, maxRequests: 1, maxSeconds: 1 }),
    ).toThrow(/^startTraffic: http:\/\/8\.8\.8\.8: traffic goes only to loopback/);
    expect(() => startTraffic({ url, ratePerSecond: 10, maxRequests: 0, maxSeconds: 1 })).toThrow(
      "startTraffic: maxRequests is a whole number ≥ 1, not 0",
    );
    expect(() => startTraffic({ url, ratePerSecond: 10, maxRequests: 1, maxSeconds: Infinity })).toThrow(
      "startTraffic: maxSeconds is from above 0 to 3600, not Infinity",
    );
  });
});
