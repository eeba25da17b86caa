import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditWriter } from "../../examples/platform/runtime/audit.ts";
import { applyAuditCall } from "../../src/audit/apply.ts";
import { readLiveAudit } from "../../src/audit/live.ts";
import { planAuditCall } from "../../src/audit/plan.ts";
import { analyse } from "../../src/canary/analysis.ts";
import { readAuditEvidence, readCallEvidence } from "../../src/canary/audit-evidence.ts";
import { SearchClient } from "../../src/clients/search/client.ts";
import { defaultThresholds } from "../../src/definitions/rollout-strategy.ts";
import { platform } from "../support/platform.ts";

/**
 * The analysis against the real search server: audit index families made by Slipway's own audit
 * step (template, first index, write alias), entries written by the example services' own audit
 * writer, as 1.0.0 (stable) and 1.1.0 (canary). Each run has index names of its own, deleted after.
 */
const prefix = `canary-${randomBytes(3).toString("hex")}-`;
const search = new SearchClient(platform.elasticsearch);
const stable = "1.0.0";
const canary = "1.1.0";
const request = {
  type: "object",
  properties: { path: { type: "string" } },
} as const;
const calls = ["files.browse", "files.upload", "files.share", "files.search"] as const;

// The window: five minutes ending a minute ago. Entries before and after it must not count.
const to = new Date(Date.now() - 60_000);
const from = new Date(to.getTime() - 5 * 60_000);
const window = { from, to };
const inWindow = (i: number, n: number): Date =>
  new Date(from.getTime() + ((i + 0.5) * (to.getTime() - from.getTime())) / n);

interface Batch {
  readonly version: string;
  readonly count: number;
  readonly durationMs: number;
  /** Status of the i-th entry. */
  readonly status?: (i: number) => number;
  /** When the i-th entry was started; inside the window by default. */
  readonly at?: (i: number) => Date;
}

const writers = new Map<string, AuditWriter>();
const problems: string[] = [];
const writer = (version: string): AuditWriter => {
  const existing = writers.get(version);
  if (existing) return existing;
  const made = new AuditWriter(platform.elasticsearch, prefix, version, (line) => problems.push(line));
  writers.set(version, made);
  return made;
};

async function write(call: string, batch: Batch): Promise<void> {
  const w = writer(batch.version);
  for (let start = 0; start < batch.count; start += 50)
    await Promise.all(
      Array.from({ length: Math.min(50, batch.count - start) }, (_, k) => {
        const i = start + k;
        return w.write({
          call,
          user: "ada",
          status: batch.status?.(i) ?? 200,
          started: batch.at?.(i) ?? inWindow(i, batch.count),
          durationMs: batch.durationMs,
          request: { path: `/home/ada/${i}` },
        });
      }),
    );
}

beforeAll(async () => {
  // The audit-index step of a deploy, as it runs: read the server, plan, apply.
  const live = await readLiveAudit(search, [...calls], prefix);
  for (const call of calls)
    await applyAuditCall(
      search,
      planAuditCall("files", { name: call, audited: true, request }, live.get(call), prefix),
    );

  // A good canary: 1% 5xx beside the stable's 1%, 12 ms against 10 ms, fewer 4xx than the stable.
  await write("files.browse", {
    version: stable,
    count: 300,
    durationMs: 10,
    status: (i) => (i < 3 ? 500 : i < 13 ? 404 : 200),
  });
  await write("files.browse", {
    version: canary,
    count: 120,
    durationMs: 12,
    status: (i) => (i < 1 ? 500 : i < 5 ? 404 : 200),
  });
  // The stable version's bad past and the canary's bad future are outside the window.
  await write("files.browse", {
    version: stable,
    count: 200,
    durationMs: 900,
    status: () => 503,
    at: (i) => new Date(from.getTime() - 60_000 - i * 100),
  });
  await write("files.browse", {
    version: canary,
    count: 50,
    durationMs: 900,
    status: () => 500,
    at: (i) => new Date(to.getTime() + i * 100),
  });
  // A canary failing a quarter of its calls.
  await write("files.upload", { version: stable, count: 300, durationMs: 20 });
  await write("files.upload", {
    version: canary,
    count: 120,
    durationMs: 20,
    status: (i) => (i % 4 === 0 ? 500 : 200),
  });
  // A canary with too little traffic.
  await write("files.share", { version: stable, count: 300, durationMs: 15 });
  await write("files.share", { version: canary, count: 12, durationMs: 15 });
  // A canary five times slower.
  await write("files.search", { version: stable, count: 200, durationMs: 20 });
  await write("files.search", { version: canary, count: 150, durationMs: 100 });

  await search.request("POST", `/${encodeURIComponent(`${prefix}http_logs_*`)}/_refresh`);
}, 120_000);

afterAll(async () => {
  const indices = await search.request<{ index: string }[]>(
    "GET",
    `/_cat/indices/${encodeURIComponent(`${prefix}http_logs_*`)}?format=json`,
  );
  for (const { index } of indices.body) await search.request("DELETE", `/${encodeURIComponent(index)}`);
  for (const call of calls)
    await search.request("DELETE", `/_index_template/slipway-audit-${prefix}${call}`, undefined, [404]);
});

describe("canary analysis from the real audit index", () => {
  it("wrote every entry (the version field is indexed, so a search can split by it)", async () => {
    expect(problems).toEqual([]);
    expect([...writers.values()].reduce((n, w) => n + w.stats.written, 0)).toBe(
      300 + 120 + 200 + 50 + 420 + 312 + 350,
    );
  });

  it("reads each version's calls in the window only: counts, 5xx, 4xx and percentiles", async () => {
    const evidence = await readCallEvidence(search, {
      call: "files.browse",
      prefix,
      stableVersion: stable,
      canaryVersion: canary,
      window,
    });
    expect(evidence.stable).toEqual({
      version: stable,
      requests: 300,
      serverErrors: 3,
      clientErrors: 10,
      latencyMs: { p50: 10, p95: 10, p99: 10 },
    });
    expect(evidence.canary).toEqual({
      version: canary,
      requests: 120,
      serverErrors: 1,
      clientErrors: 4,
      latencyMs: { p50: 12, p95: 12, p99: 12 },
    });
  });

  it("passes a good canary, with the numbers behind it", async () => {
    const [browse] = await readAuditEvidence(search, ["files.browse"], {
      prefix,
      stableVersion: stable,
      canaryVersion: canary,
      window,
    });
    if (!browse) throw new Error("no evidence");
    const result = analyse(
      { window, stableVersion: stable, canaryVersion: canary, calls: [browse] },
      defaultThresholds,
    );
    expect(result.verdict).toBe("pass");
    expect(result.summary).toBe("the canary 1.1.0 did as well as 1.0.0 on 1 call");
    expect(result.calls[0]?.checks.map((c) => [c.metric, c.verdict, c.stable, c.canary])).toEqual([
      ["requests", "pass", 300, 120],
      ["5xx rate", "pass", 0.01, 1 / 120],
      ["4xx rate", "pass", 10 / 300, 4 / 120],
      ["p50", "pass", 10, 12],
      ["p95", "pass", 10, 12],
    ]);
  });

  it("fails a canary failing a quarter of its calls, and a slow one; says which and why", async () => {
    const evidence = await readAuditEvidence(search, [...calls], {
      prefix,
      stableVersion: stable,
      canaryVersion: canary,
      window,
    });
    const result = analyse(
      { window, stableVersion: stable, canaryVersion: canary, calls: evidence },
      defaultThresholds,
    );
    expect(result.verdict).toBe("fail");
    expect(result.calls.map((c) => [c.call, c.verdict])).toEqual([
      ["files.browse", "pass"],
      ["files.upload", "fail"],
      ["files.share", "inconclusive"],
      ["files.search", "fail"],
    ]);
    expect(result.summary).toBe(
      [
        "files.upload 5xx rate: the canary 25.0% (30/120), the stable version 0.0% (0/300): more than 1 point above the stable's",
        "files.search p50: the canary 100 ms, the stable version 20 ms: slower than the 45 ms allowed (+25%, at least 25 ms)",
        "files.search p95: the canary 100 ms, the stable version 20 ms: slower than the 45 ms allowed (+50%, at least 25 ms)",
      ].join("; "),
    );
  });

  it("is inconclusive, never pass, with too few canary calls", async () => {
    const evidence = await readAuditEvidence(search, ["files.browse", "files.share"], {
      prefix,
      stableVersion: stable,
      canaryVersion: canary,
      window,
    });
    const result = analyse(
      { window, stableVersion: stable, canaryVersion: canary, calls: evidence },
      defaultThresholds,
    );
    expect(result.verdict).toBe("inconclusive");
    expect(result.summary).toBe(
      "files.share requests: too few calls to judge: the canary served 12, the stable version 300; each needs 100",
    );
  });

  it("finds no calls in another window or for a call never written, which is no evidence", async () => {
    const before = { from: new Date(from.getTime() - 3_600_000), to: new Date(from.getTime() - 3_000_000) };
    const [quiet, unwritten] = await readAuditEvidence(search, ["files.upload", "files.never"], {
      prefix,
      stableVersion: stable,
      canaryVersion: canary,
      window: before,
    });
    expect([quiet?.stable.requests, quiet?.canary.requests, quiet?.canary.latencyMs.p50]).toEqual([
      0,
      0,
      null,
    ]);
    expect(unwritten?.stable.requests).toBe(0);
    const result = analyse(
      {
        window: before,
        stableVersion: stable,
        canaryVersion: canary,
        calls: [quiet, unwritten].filter((c) => c !== undefined),
      },
      defaultThresholds,
    );
    expect(result.verdict).toBe("inconclusive");
    expect(result.summary).toMatch(
      /^no evidence: neither version served an audited call in the window \(files\.upload, files\.never\)$/,
    );
  });

  it("refuses to compare a version with itself", async () => {
    await expect(
      readCallEvidence(search, {
        call: "files.browse",
        prefix,
        stableVersion: stable,
        canaryVersion: stable,
        window,
      }),
    ).rejects.toThrow(
      "the canary and the stable version are both 1.0.0: audit entries name only the version",
    );
  });
});
