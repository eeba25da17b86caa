import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { openProject } from "../../src/cli/project.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import { PlatformCache } from "../../src/status/platform-cache.ts";
import { dashboardApp } from "../../src/ui/app.ts";
import { isolatedExample, removeExample } from "../support/deploy-project.ts";
import {
  launchBrowser,
  skipBrowserTests,
  startDashboard,
  waitForText,
  type RunningDashboard,
} from "../support/dashboard.ts";
import { kube, platform } from "../support/platform.ts";

const project = isolatedExample("ui-security", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
let readOnly: RunningDashboard;
let open: RunningDashboard;
let browser: Browser;

/** A form post as another site's page would make it: its own Origin, any token it likes. */
const post = (dashboard: RunningDashboard, path: string, fields: Record<string, string>, origin?: string) =>
  fetch(`${dashboard.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(origin ? { origin } : {}),
    },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });

/**
 * Every POST route the dashboard has, listed from the app itself: a route added later is tried
 * too, without anyone remembering to add it here.
 */
async function postRoutes(): Promise<string[]> {
  const model = await openProject(project.config);
  const app = dashboardApp({
    project: model,
    environments: model.environments,
    cache: new PlatformCache(model, model.environments, () => cluster),
    clusterFor: () => cluster,
    searchFor: () => undefined,
    readOnly: false,
    csrf: "unused",
    hosts: [],
    secure: false,
  });
  return [...new Set(app.routes.filter((r) => r.method === "POST").map((r) => r.path))];
}

/** fetch sets Host itself; node:http sends the one given. */
const statusWithHost = (url: string, host: string, method = "GET"): Promise<number> =>
  new Promise((resolve, reject) => {
    const r = request(url, { method, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on("error", reject);
    r.end();
  });

describe.skipIf(skipBrowserTests)("the dashboard's actions are guarded", () => {
  beforeAll(async () => {
    await kube.core().createNamespace({ body: { metadata: { name: project.namespace } } });
    [readOnly, open] = await Promise.all([
      startDashboard(project.config, "--read-only", "--env", "dev"),
      startDashboard(project.config, "--env", "dev"),
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([readOnly?.stop(), open?.stop()]);
    await removeExample(project.namespace);
  });

  it("--read-only offers no action and refuses every POST, token or not", async () => {
    const page = await browser.newPage();
    await page.goto(`${readOnly.url}/`);
    expect(await page.locator("header").innerText()).toContain("read-only: no actions");
    expect(await page.locator('a[href^="/actions/"], form[method="post"]').count()).toBe(0);
    const readOnlyToken = await fetch(`${open.url}/actions/unlock?env=dev`)
      .then((r) => r.text())
      .then((t) => /name="csrf" value="([^"]+)"/.exec(t)?.[1] ?? "");
    for (const path of await postRoutes()) {
      const confirm = await fetch(`${readOnly.url}${path}?env=dev`);
      expect(confirm.status, `GET ${path}`).toBe(403);
      const forged = await post(readOnly, path, { env: "dev", csrf: readOnlyToken }, readOnly.url);
      expect(forged.status, `POST ${path}`).toBe(403);
      expect(await forged.text()).toContain("read-only");
    }
    await page.close();
  });

  it("refuses a POST to every action without this server's CSRF token, or from another origin or Host", async () => {
    const routes = await postRoutes();
    // Sign-off, rollback and unlock at least: an empty listing must not pass.
    expect(routes).toEqual(
      expect.arrayContaining(["/actions/signoff", "/actions/rollback", "/actions/unlock"]),
    );
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    try {
      const page = await fetch(`${open.url}/actions/unlock?env=dev`);
      const token = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
      expect(token).not.toBe("");
      // Fields that would let each action do its work, were the request genuine.
      const fields = { env: "dev", service: "auth", version: "1.0.0", to: "1", note: "forged" };
      for (const path of routes) {
        const noToken = await post(open, path, fields, open.url);
        expect(noToken.status, `POST ${path} without a token`).toBe(403);
        expect(await noToken.text()).toContain("CSRF token is missing or wrong");
        const wrong = await post(open, path, { ...fields, csrf: `${token}x` }, open.url);
        expect(wrong.status, `POST ${path} with a wrong token`).toBe(403);
        const elsewhere = await post(open, path, { ...fields, csrf: token }, "http://evil.example");
        expect(elsewhere.status, `POST ${path} from another origin`).toBe(403);
        expect(await elsewhere.text()).toContain("did not come from this dashboard");
        // A DNS name rebound to 127.0.0.1: the browser sends that name as Host.
        expect(
          await statusWithHost(`${open.url}${path}`, "evil.example:80", "POST"),
          `POST ${path} to another Host`,
        ).toBe(421);
      }
      // None of them removed the lock, or signed anything off.
      expect(await cluster.get("Lease", "slipway-deploy-lock", project.namespace)).toBeDefined();
      const signoffs = await kube.core().listNamespacedConfigMap({ namespace: project.namespace });
      expect(signoffs.items.filter((c) => c.metadata?.name?.startsWith("slipway.signoff."))).toEqual([]);
    } finally {
      await other.release();
    }
  });

  it("shows a lock live, and removes it by keyboard alone after a confirmation", async () => {
    const page = await browser.newPage();
    await page.goto(`${open.url}/`);
    await waitForText(page, 'li[data-env="dev"]', "unlocked");
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    // No reload: the server pushes the matrix when the Lease appears.
    await waitForText(page, 'li[data-env="dev"] [data-lock]', other.holderIdentity);
    await page.locator('li[data-env="dev"] a[href^="/actions/unlock"]').focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/actions\/unlock/);
    expect(await page.locator("main").innerText()).toContain(`${other.holderIdentity} holds it since`);
    // Tab from the top of the page to the confirm button: every control on the way is reachable.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === "Unlock --force");
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await waitForText(page, "[data-result]", `removed the lock held by ${other.holderIdentity}`);
    expect(await cluster.get("Lease", "slipway-deploy-lock", project.namespace)).toBeUndefined();
    const events = await kube.core().listNamespacedEvent({ namespace: project.namespace });
    expect(events.items.map((e) => e.message)).toContainEqual(
      expect.stringContaining(`removed the deploy lock held by ${other.holderIdentity}`),
    );
    await other.release();
    await page.close();
  });
});
