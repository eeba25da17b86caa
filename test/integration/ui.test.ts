import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { deployer } from "../../src/procedure/identity.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import type { HistoryDocument, StatusDocument } from "../../src/output/documents.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { failPodLabel } from "../../platform/src/parts/kwok.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
  slipwayUnpublished,
} from "../support/deploy-project.ts";
import {
  launchBrowser,
  liveUpdateGuard,
  screenshot,
  skipBrowserTests,
  startDashboard,
  waitForText,
  type RunningDashboard,
} from "../support/dashboard.ts";
import { kubeAt, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("ui", { node: "simulated" });
const prodNamespace = `${project.namespace}-prod`;
const dev = ["deploy", "--env", "dev", "--yes", "--timeout", "60s"];
const cluster = Cluster.open("local", platform.kubeconfig);
let dashboard: RunningDashboard;
let browser: Browser;

const cell = (service: string, env = "dev"): string => `tr[data-service="${service}"] td[data-env="${env}"]`;

/** A page that proves it was never reloaded: the marker lives only as long as the document. */
async function openLive(path: string, width = 1280, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${dashboard.url}${path}`);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  return page;
}
const stillSameDocument = (page: Page): Promise<boolean> =>
  page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

describe.skipIf(skipBrowserTests)("the web dashboard, in a real browser", () => {
  beforeAll(async () => {
    // prod promotes from dev, in a namespace of this test's own on the second control plane.
    project.edit("slipway.config.ts", 'namespace: "research"', `namespace: "${prodNamespace}"`);
    project.edit(
      "slipway.config.ts",
      "defaults: { replicas: 2 },",
      'defaults: { replicas: 2 },\n  promotion: { from: "dev" },',
    );
    await provisionExampleDatabases(project.config, "dev");
    const r = await slipway(project.config, ...dev);
    if (r.code !== 0) throw new Error(`the first deploy failed:\n${r.stdout}${r.stderr}`);
    dashboard = await startDashboard(project.config);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await removeExample(project.namespace);
    await kubeAt("rancher")
      .core()
      .deleteNamespace({ name: prodNamespace })
      .catch(() => undefined);
  });

  it("shows the versions `slipway status` reports, with their digests and the release status", async () => {
    const status = JSON.parse(
      (await slipwayUnpublished(project.config, "status", "--env", "dev", "-o", "json")).stdout,
    ) as StatusDocument;
    const page = await openLive("/");
    for (const row of status.services) {
      const text = await waitForText(page, cell(row.service), row.liveVersion ?? "—");
      expect(await page.locator(`${cell(row.service)} [data-version]`).innerText()).toBe(row.liveVersion);
      expect(text, row.service).toContain(`✓ deployed (r${row.lastDeploy?.revision})`);
      expect(text).toContain("no drift seen");
    }
    // A Deployment pinned by digest shows its short digest.
    expect(await page.locator(`${cell("auth")} .mono`).innerText()).toMatch(/^@[0-9a-f]{12}$/);
    // prod promotes from dev: each cell says whether dev ran the version and whether it was signed off.
    const prod = await page.locator(cell("auth", "prod")).innerText();
    expect(prod).toContain("✓ 1.0.0 in dev");
    expect(prod).toContain("✗ not signed off in dev");
    await screenshot(page, "matrix");
    await page.close();
  });

  it("shows a deploy started from the CLI progressing step by step, without a reload", async () => {
    project.edit("services/files/service.ts", 'version: "1.4.0"', 'version: "1.5.0"');
    await publishDefinedVersions(project.config);
    const page = await openLive("/deploys");
    const cli = startSlipway(project.config, ...dev, "files");
    const files = 'section[data-env="dev"] [data-service="files"]';
    // The journal names the deploy's steps before they run; they turn done one after another.
    await waitForText(page, `${files}[data-state="running"]`, "deploying");
    await page.locator(`${files} [data-step-state="running"]`).first().waitFor({ timeout: liveUpdateGuard });
    await screenshot(page, "live-deploy");
    expect(await cli.exited, cli.stderr()).toBe(0);
    await waitForText(page, `${files}[data-state="deployed"]`, "deployed");
    const steps = await page
      .locator(`${files} [data-step]`)
      .evaluateAll((els) => els.map((e) => [e.getAttribute("data-step"), e.getAttribute("data-step-state")]));
    expect(steps.map(([step]) => step)).toEqual(expect.arrayContaining(["apply", "rollout", "record"]));
    expect(steps.filter(([, state]) => state !== "done" && state !== "skipped")).toEqual([]);
    // The deploy's own line is a live region of its own: it may turn done a moment after the service's.
    expect(await waitForText(page, 'section[data-env="dev"] [data-deploy-state]', "✓ done")).toContain(
      "✓ done",
    );
    expect(await stillSameDocument(page)).toBe(true);
    const matrix = await openLive("/");
    expect(await waitForText(matrix, cell("files"), "1.5.0")).toContain("✓ deployed (r2)");
    await Promise.all([page.close(), matrix.close()]);
  });

  it("shows a failed version and the rollback Slipway made by itself", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "1.0.0"');
    project.edit(
      "services/mail/service.ts",
      "    port: 8080,",
      `    port: 8080,\n    podLabels: { "${failPodLabel}": "true" },`,
    );
    const page = await openLive("/");
    const r = await slipway(project.config, ...dev, "mail");
    expect(r.code, r.stderr).toBe(ExitCode.rolledBack);
    const text = await waitForText(page, `${cell("mail")}[data-state="failed"]`, "rolled back by itself");
    expect(text).toContain("✗ failed (r2)");
    expect(text).toContain("rolled back by itself to revision 1 (0.9.2)");
    expect(await page.locator(`${cell("mail")} [data-version]`).innerText()).toBe("0.9.2");
    expect(await stillSameDocument(page)).toBe(true);
    // The live deploy view keeps the failure: the rollout step failed, and the rollback it made.
    const deploys = await openLive("/deploys");
    const mail = 'section[data-env="dev"] [data-service="mail"]';
    expect(await waitForText(deploys, `${mail}[data-state="rolled-back"]`, "rolled back")).toContain(
      "rollback to revision 1: succeeded",
    );
    expect(await deploys.locator(`${mail} [data-step="rollout"]`).getAttribute("data-step-state")).toBe(
      "failed",
    );
    await deploys.close();
    project.edit("services/mail/service.ts", `\n    podLabels: { "${failPodLabel}": "true" },`, "");
    project.edit("services/mail/service.ts", 'version: "1.0.0"', 'version: "0.9.2"');
    await page.close();
  });

  it("rolls back from the timeline after a confirmation, recorded with the kubeconfig's identity", async () => {
    const page = await openLive("/services/files?env=dev");
    const timeline = await page.locator("ol.timeline").innerText();
    expect(timeline).toContain("r2 · 1.5.0");
    expect(timeline).toContain("r1 · 1.4.0");
    expect(timeline).toMatch(/Jenkins build #\d+ SUCCESS, \d+ tests/);
    await screenshot(page, "timeline");
    await page.locator('li[data-revision="1"] a', { hasText: "Roll back to r1" }).click();
    await page.waitForURL(/\/actions\/rollback/);
    expect(await page.locator("main").innerText()).toContain("files runs 1.5.0 in dev now");
    await page.locator("button", { hasText: "Roll back to r1" }).click();
    const said = await waitForText(page, "[data-result]", "rolled back to revision 1");
    expect(said).toContain("files: rolled back to revision 1 (1.4.0) as revision 3");
    const history = JSON.parse(
      (await slipwayUnpublished(project.config, "history", "files", "--env", "dev", "-o", "json")).stdout,
    ) as HistoryDocument;
    expect(history.releases[0]).toMatchObject({
      revision: 3,
      version: "1.4.0",
      status: "deployed",
      description: "rollback to revision 1 (1.4.0)",
      deployedBy: await deployer(cluster),
    });
    await page.close();
  });

  it("refuses a rollback while another deploy holds the lock, in the CLI's words", async () => {
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    try {
      const cli = await slipwayUnpublished(project.config, "rollback", "files", "--env", "dev", "--to", "2");
      expect(cli.code).toBe(ExitCode.lockHeld);
      const refusal = cli.stderr.split("\n")[0] ?? "";
      expect(refusal).toContain(`another deploy holds the lock: ${other.holderIdentity}`);
      const page = await openLive("/actions/rollback?env=dev&service=files&to=2");
      await page.locator("button", { hasText: "Roll back to r2" }).click();
      const said = await waitForText(page, '[data-result="refused"]', "another deploy holds the lock");
      // The same first line, but for the seconds until the lease expires.
      expect(said.replace(/expires in \d+s/, "")).toContain(refusal.replace(/expires in \d+s/, ""));
      await page.close();
    } finally {
      await other.release();
    }
    const history = await slipwayUnpublished(
      project.config,
      "history",
      "files",
      "--env",
      "dev",
      "-o",
      "json",
    );
    expect((JSON.parse(history.stdout) as HistoryDocument).releases[0]?.revision).toBe(3);
  });

  it("diffs two revisions: objects, migrations, calls and parameters", async () => {
    const page = await openLive("/services/files?env=dev");
    await page.selectOption("#from", "1");
    await page.selectOption("#to", "2");
    await page.locator("button", { hasText: "Compare" }).click();
    await page.waitForURL(/\/diff\?/);
    const text = await page.locator("main").innerText();
    expect(text).toContain("r1 → r2");
    expect(text).toMatch(/Deployment\/files changed/);
    expect(text).toContain('metadata.annotations.slipway.dev/version: "1.4.0" → "1.5.0"');
    expect(text).toMatch(
      /spec\.template\.spec\.containers\[0\]\.image: ".*@sha256:[0-9a-f]{64}" → ".*@sha256:[0-9a-f]{64}"/,
    );
    await page.close();
  });

  it("signs off by keyboard alone, and the prod promotion check then passes", async () => {
    const note = "clicked through login in the browser";
    const page = await openLive("/services/auth?env=dev");
    const tabTo = async (text: string): Promise<boolean> => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        const at = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
        if (at.startsWith(text)) return true;
      }
      return false;
    };
    expect(await tabTo("Sign off 1.0.0 in dev")).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/actions\/signoff/);
    await page.keyboard.press("Tab");
    let inNote = false;
    for (let i = 0; i < 20 && !inNote; i++) {
      inNote = await page.evaluate(() => document.activeElement?.id === "note");
      if (!inNote) await page.keyboard.press("Tab");
    }
    expect(inNote).toBe(true);
    await page.keyboard.type(note);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Sign off");
    await page.keyboard.press("Enter");
    const said = await waitForText(page, "[data-result]", "signed off auth 1.0.0 in dev");
    expect(said).toContain(`by ${await deployer(cluster)}`);
    const plan = await slipwayUnpublished(project.config, "plan", "auth", "--env", "prod");
    expect(plan.stdout).toMatch(
      new RegExp(`✓ promotion: deployed to dev as revision 1, signed off by .* ${note}`),
    );
    const matrix = await openLive("/");
    expect(await waitForText(matrix, cell("auth", "prod"), "signed off by")).toContain("✓ 1.0.0 in dev");
    await Promise.all([page.close(), matrix.close()]);
  });

  it("stays usable at a phone's width: the page does not overflow, the matrix scrolls in its box", async () => {
    const page = await openLive("/", 390, 844);
    await waitForText(page, cell("auth"), "deployed");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('tr[data-service="auth"] th a').isVisible()).toBe(true);
    await screenshot(page, "matrix-phone");
    await page.close();
  });
});
