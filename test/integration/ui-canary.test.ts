// The dashboard shows a canary from its release record: a release of files written through
// ReleaseStore into a fresh namespace, its canary paused as inconclusive at its second analysis
// (the first passed). The matrix cell says weight, step and state; the release page the pods,
// the steps, each analysis with its numbers and the promote and abort buttons. Seen in the real
// browser.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyse, type TrackPods, type VersionCalls } from "../../src/canary/analysis.ts";
import type { CanaryRecord } from "../../src/canary/record.ts";
import { replicaSplit } from "../../src/canary/weights.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { defaultThresholds } from "../../src/definitions/rollout-strategy.ts";
import type { ReleaseRecord } from "../../src/release/record.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  launchBrowser,
  screenshot,
  skipBrowserTests,
  startDashboard,
  waitForText,
  type RunningDashboard,
} from "../support/dashboard.ts";
import { isolatedExample, removeExample } from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";

const project = isolatedExample("ui-canary", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
let dashboard: RunningDashboard;
let browser: Browser;

const calls = (version: string, requests: number, serverErrors: number, p95: number): VersionCalls => ({
  version,
  requests,
  serverErrors,
  clientErrors: 0,
  latencyMs: { p50: p95 / 2, p95, p99: p95 * 1.5 },
});
const pods = (n: number): TrackPods => ({
  pods: n,
  ready: n,
  restarts: 0,
  oomKills: 0,
  readinessFlaps: 0,
  notes: [],
});
const window = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

/** Made by the analysis itself from evidence, as the canary step makes them. */
const passed = analyse(
  {
    window: window("2026-12-06T09:00:00Z", "2026-12-06T09:05:00Z"),
    stableVersion: "1.4.0",
    canaryVersion: "1.5.0",
    calls: [
      {
        call: "files.browse",
        window: window("2026-12-06T09:00:00Z", "2026-12-06T09:05:00Z"),
        stable: calls("1.4.0", 300, 3, 40),
        canary: calls("1.5.0", 120, 1, 44),
      },
    ],
    pods: { stable: pods(3), canary: pods(1) },
  },
  defaultThresholds,
);
const inconclusive = analyse(
  {
    window: window("2026-12-06T09:10:00Z", "2026-12-06T09:15:00Z"),
    stableVersion: "1.4.0",
    canaryVersion: "1.5.0",
    calls: [
      {
        call: "files.browse",
        window: window("2026-12-06T09:10:00Z", "2026-12-06T09:15:00Z"),
        stable: calls("1.4.0", 240, 2, 41),
        canary: calls("1.5.0", 17, 0, 43),
      },
    ],
    pods: { stable: pods(2), canary: pods(2) },
  },
  defaultThresholds,
);

const canary: CanaryRecord = {
  steps: [
    { kind: "weight", weight: 25 },
    { kind: "analysis", window: "5m", windowMs: 300_000 },
    { kind: "weight", weight: 50 },
    { kind: "analysis", window: "5m", windowMs: 300_000 },
    { kind: "pause" },
    { kind: "weight", weight: 100 },
  ],
  at: 3,
  weight: 50,
  split: replicaSplit(4, 50),
  replicas: 4,
  stableVersion: "1.4.0",
  state: "paused",
  paused: {
    step: 3,
    reason: "inconclusive",
    since: "2026-12-06T09:15:01Z",
    message: inconclusive.summary,
  },
  analyses: [
    { step: 1, result: passed },
    { step: 3, result: inconclusive },
  ],
  decisions: [],
};

const release = (revision: number, version: string, extra: Partial<ReleaseRecord>): ReleaseRecord => ({
  service: "files",
  environment: "dev",
  revision,
  version,
  digests: {},
  status: "deployed",
  objects: [],
  objectsHash: `hash-${revision}`,
  calls: [],
  checks: [],
  steps: [],
  deployedBy: "ada",
  commit: "unknown",
  startedAt: "2026-12-06T08:00:00Z",
  description: `deploy ${version}`,
  ...extra,
});

describe.skipIf(skipBrowserTests)("a canary on the dashboard, in a real browser", () => {
  beforeAll(async () => {
    expect(passed.verdict).toBe("pass");
    expect(inconclusive.verdict).toBe("inconclusive");
    await kube.core().createNamespace({ body: { metadata: { name: project.namespace } } });
    const store = new ReleaseStore(cluster, project.namespace);
    await store.create(release(1, "1.4.0", { finishedAt: "2026-12-06T08:01:00Z" }));
    await store.create(release(2, "1.5.0", { status: "pending", startedAt: "2026-12-06T08:59:00Z", canary }));
    dashboard = await startDashboard(project.config);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await removeExample(project.namespace);
  });

  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard.url}${path}`);
    return page;
  };

  it("the matrix cell: the canary's weight, its step of N and its state", async () => {
    const page = await open("/");
    const badge = await waitForText(
      page,
      'tr[data-service="files"] td[data-env="dev"] [data-canary]',
      "canary",
    );
    expect(badge.replace(/\s+/g, " ")).toBe(
      "canary 50% · 2 canary / 2 stable pods · step 4 of 6 · ‖ paused: inconclusive",
    );
    await page.close();
  });

  it("the release page: pods, steps, the pause and every analysis with its numbers", async () => {
    const page = await open("/services/files?env=dev");
    const section = 'li[data-revision="2"] section[data-canary]';
    await waitForText(page, section, "Canary");
    const text = (selector: string): Promise<string> =>
      page
        .locator(selector)
        .first()
        .innerText()
        .then((t) => t.replace(/\s+/g, " ").trim());
    expect(await text(`${section} [data-canary-state-text]`)).toBe("‖ paused: inconclusive");
    expect(await text(`${section} [data-canary-weight]`)).toBe("weight 50%");
    expect(await text(`${section} [data-canary-split]`)).toBe("2 canary pod(s), 2 stable pod(s) of 4");
    expect(await text(`${section} [data-canary-step]`)).toBe("step 4 of 6");
    expect(await text(`${section} [data-canary-paused]`)).toContain(
      "paused at step 4 (inconclusive) since 2026-12-06T09:15:01Z: files.browse requests: too few calls to judge: the canary served 17",
    );
    expect(await text(`${section} [aria-current="step"]`)).toBe("4. analysis 5m");
    // The person's decisions (src/ui/views/canary-actions.ts): promote past the pause, or abort.
    expect(await text(`${section} [data-canary-actions]`)).toBe("Promote the canary… Abort the canary…");
    expect(await page.locator(`${section} a`, { hasText: "Promote the canary" }).getAttribute("href")).toBe(
      "/actions/canary/promote?env=dev&service=files",
    );
    // The first analysis passed: its numbers, stable → canary.
    const first = `${section} [data-analysis="1"]`;
    expect(await text(`${first} h4`)).toBe(
      "✓ pass step 2, analysis 5m: canary 1.5.0 against 1.4.0, 09:00:00Z–09:05:00Z",
    );
    const browse = `${first} tr[data-call="files.browse"]`;
    expect(await text(`${browse} [data-requests]`)).toBe("✓ 300 → 120");
    expect(await text(`${browse} [data-5xx]`)).toBe("✓ 1% → 0.83% (3 → 1)");
    expect(await text(`${browse} [data-p95]`)).toBe("✓ 40 ms → 44 ms");
    expect(await text(`${first} tr[data-pods]`)).toContain("✓ restarts 0 → 0");
    // The second was inconclusive: too few canary calls, nothing else judged, and why.
    const second = `${section} [data-analysis="3"]`;
    expect(await page.locator(second).getAttribute("data-verdict")).toBe("inconclusive");
    expect(await text(`${second} tr[data-call="files.browse"] [data-requests]`)).toBe("? 240 → 17");
    expect(await text(`${second} tr[data-call="files.browse"] [data-5xx]`)).toBe("– (2 → 0)");
    expect(await text(`${second} [data-reasons]`)).toContain(
      "? files.browse requests: too few calls to judge: the canary served 17, the stable version 240; each needs 100",
    );
    await page.locator(section).scrollIntoViewIfNeeded();
    await screenshot(page, "dashboard-canary");
    await page.close();
  });
});
