import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Role } from "@kubernetes/client-node";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import type { StatusDocument } from "../../src/output/documents.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import { SignoffStore } from "../../src/release/signoff.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import {
  skipBrowserTests,
  launchBrowser,
  screenshot,
  startDashboard,
  waitForText,
  type RunningDashboard,
} from "../support/dashboard.ts";
import { kube, platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";

const project = isolatedExample("ui-sign-in", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
/** The platform's own bridge: an address other than loopback that only this machine reaches. */
const nodeAddress = "10.89.0.1";
const alice = `system:serviceaccount:${project.namespace}:alice`;
const bob = `system:serviceaccount:${project.namespace}:bob`;
let dashboard: RunningDashboard;
let browser: Browser;
let tokens: { alice: string; bob: string };
let version = "";

/** A person's own browser: cookies of their own. */
async function signedIn(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${dashboard.url}/services/files?env=dev`);
  await page.waitForURL(/\/sign-in\?next=/);
  await page.locator("#token").fill(token);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(/\/services\/files\?env=dev$/);
  return { context, page };
}

async function signOffFrom(page: Page, note: string): Promise<string> {
  await page.goto(`${dashboard.url}/actions/signoff?env=dev&service=files&version=${version}`);
  await page.locator("#note").fill(note);
  await page.locator('button[type="submit"].primary').click();
  return page.locator("[data-result]").innerText();
}

afterAll(() => removeExample(project.namespace));

const formPost = (path: string, fields: Record<string, string>, cookie?: string) =>
  fetch(`${dashboard.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: dashboard.url,
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });

const sessionCookie = async (context: BrowserContext): Promise<string> => {
  const found = (await context.cookies()).find((c) => c.name === "slipway_session");
  return found ? `${found.name}=${found.value}` : "";
};
const csrfOf = async (page: Page): Promise<string> =>
  (await page.locator('form[action="/sign-out"] input[name="csrf"]').getAttribute("value")) ?? "";

describe("a dashboard on an address other than loopback", () => {
  it("refuses to start without sign-in unless --read-only, saying why and the way out", async () => {
    const r = await runSlipway([
      "ui",
      "--address",
      "0.0.0.0",
      "--port",
      "0",
      "-c",
      project.config,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain(
      "refusing to serve actions on 0.0.0.0 without sign-in: anyone who reaches it would roll back, unlock and sign off as this kubeconfig's identity",
    );
    expect(r.stderr).toContain("pass --sign-in token");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const bad = await runSlipway(["ui", "--sign-in", "password", "-c", project.config]);
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('--sign-in must be one of none, token, found "password"');
  });
});

describe.skipIf(skipBrowserTests)("sign-in: each person acts with their own credentials", () => {
  beforeAll(async () => {
    expect(
      Object.values(networkInterfaces())
        .flat()
        .some((i) => i?.address === nodeAddress),
      `${nodeAddress} (the platform's bridge slipway0) is missing: is the real node up?`,
    ).toBe(true);
    await provisionExampleDatabases(project.config, "dev");
    const deployed = await slipway(
      project.config,
      "deploy",
      "auth",
      "files",
      "--env",
      "dev",
      "--yes",
      "--timeout",
      "90s",
    );
    if (deployed.code !== 0)
      throw new Error(`the first deploy failed:\n${deployed.stdout}${deployed.stderr}`);
    const status = JSON.parse(
      (await slipway(project.config, "status", "--env", "dev", "-o", "json")).stdout,
    ) as StatusDocument;
    version = status.services.find((s) => s.service === "files")?.liveVersion ?? "";
    expect(version).not.toBe("");
    // Alice may deploy (the Role `slipway rbac` prints); Bob may only look.
    const role = parse((await slipway(project.config, "rbac", "--env", "dev")).stdout) as V1Role;
    const [a, b] = await Promise.all([
      mintNamespaceToken({ namespace: project.namespace, serviceAccount: "alice", role }),
      mintNamespaceToken({ namespace: project.namespace, serviceAccount: "bob", clusterRole: "view" }),
    ]);
    tokens = { alice: a.token, bob: b.token };
    dashboard = await startDashboard(
      project.config,
      "--env",
      "dev",
      "--address",
      nodeAddress,
      "--sign-in",
      "token",
      "--session-ttl",
      "2h",
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it("warns that tokens cross the network unencrypted without TLS", () => {
    expect(dashboard.process.stderr()).toContain(
      `warning: tokens reach ${nodeAddress} unencrypted: serve it with --tls-cert and --tls-key`,
    );
  });

  it("asks for a token before showing anything, and refuses a wrong one with the API server's answer", async () => {
    const page = await browser.newPage();
    await page.goto(`${dashboard.url}/`);
    await page.waitForURL(/\/sign-in/);
    await screenshot(page, "dashboard-sign-in");
    expect(await page.locator("main").innerText()).not.toContain("files");
    await page.locator("#token").fill("not-a-token");
    await page.locator('button[type="submit"]').click();
    expect(await page.locator("[data-result]").innerText()).toContain(
      'sign-in refused: the API server of context "local" did not accept this token (401 Unauthorized',
    );
    // A live stream or a form without a session is refused, not redirected.
    expect((await fetch(`${dashboard.url}/events/matrix`)).status).toBe(401);
    expect((await formPost("/actions/unlock", { env: "dev" })).status).toBe(401);
    await page.close();
  });

  it("runs each action with the person's own RBAC, and records who", async () => {
    const a = await signedIn(tokens.alice);
    const b = await signedIn(tokens.bob);
    expect(await a.page.locator("[data-person]").innerText()).toBe(`signed in as ${alice}`);
    expect(await b.page.locator("[data-person]").innerText()).toBe(`signed in as ${bob}`);

    // The cookie: HTTP-only, SameSite=Strict, ending when the session does.
    const cookie = (await a.context.cookies()).find((c) => c.name === "slipway_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const hoursLeft = ((cookie?.expires ?? 0) * 1000 - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(1.9);
    expect(hoursLeft).toBeLessThanOrEqual(2);

    // Bob may read but not write: the API server says no, in its own words.
    const refused = await signOffFrom(b.page, "clicked through by bob");
    expect(refused).toContain("refused by the API server:");
    expect(refused).toContain(`User "${bob}" cannot`);
    await screenshot(b.page, "dashboard-refused-by-rbac");
    expect(await new SignoffStore(cluster, project.namespace).get("files", version)).toBeUndefined();

    const said = await signOffFrom(a.page, "tried the upload by hand");
    expect(said).toContain(`signed off files ${version} in dev`);
    expect(said).toContain(`by ${alice} (slipway ui)`);
    expect(await new SignoffStore(cluster, project.namespace).get("files", version)).toMatchObject({
      by: `${alice} (slipway ui)`,
      note: "tried the upload by hand",
    });

    // Unlock: refused for Bob, done by Alice, and the Event names her.
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    try {
      for (const person of [b, a]) {
        await person.page.goto(`${dashboard.url}/actions/unlock?env=dev`);
        await person.page.locator('main button[type="submit"]').click();
      }
      expect(await b.page.locator("[data-result]").innerText()).toContain(`User "${bob}" cannot`);
      await waitForText(a.page, "[data-result]", `removed the lock held by ${other.holderIdentity}`);
      const events = await kube.core().listNamespacedEvent({ namespace: project.namespace });
      expect(events.items.map((e) => e.message)).toContainEqual(
        `${alice} (slipway ui) removed the deploy lock held by ${other.holderIdentity}`,
      );
    } finally {
      await other.release();
    }
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("never lets one person act as another: a form token works only with its own session", async () => {
    const a = await signedIn(tokens.alice);
    const b = await signedIn(tokens.bob);
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    try {
      // Bob's cookie with Alice's form token (or the reverse): refused before anything runs.
      const crossed = await formPost(
        "/actions/unlock",
        { env: "dev", csrf: await csrfOf(a.page) },
        await sessionCookie(b.context),
      );
      expect(crossed.status).toBe(403);
      expect(await crossed.text()).toContain("CSRF token is missing or wrong");
      const reverse = await formPost(
        "/actions/unlock",
        { env: "dev", csrf: await csrfOf(b.page) },
        await sessionCookie(a.context),
      );
      expect(reverse.status).toBe(403);
      expect(await cluster.get("Lease", "slipway-deploy-lock", project.namespace)).toBeDefined();

      // Signed out, the old cookie is worth nothing.
      const aliceCookie = await sessionCookie(a.context);
      const aliceCsrf = await csrfOf(a.page);
      await a.page.locator('form[action="/sign-out"] button').click();
      await a.page.waitForURL(/\/sign-in$/);
      const replayed = await formPost("/actions/unlock", { env: "dev", csrf: aliceCsrf }, aliceCookie);
      expect(replayed.status).toBe(401);
      expect(await cluster.get("Lease", "slipway-deploy-lock", project.namespace)).toBeDefined();
    } finally {
      await other.release();
    }
    await Promise.all([a.context.close(), b.context.close()]);
  });
});

describe.skipIf(skipBrowserTests)("sign-in over TLS", () => {
  let tlsDashboard: RunningDashboard;
  let tlsBrowser: Browser;
  beforeAll(async () => {
    tlsBrowser = await launchBrowser();
    const dir = mkdtempSync(join(tmpdir(), "slipway-ui-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    expect(readFileSync(join(dir, "cert.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
    tlsDashboard = await startDashboard(
      project.config,
      "--env",
      "dev",
      "--sign-in",
      "token",
      "--tls-cert",
      join(dir, "cert.pem"),
      "--tls-key",
      join(dir, "key.pem"),
    );
  });
  afterAll(async () => {
    await tlsBrowser?.close();
    await tlsDashboard?.stop();
  });

  it("serves HTTPS, and its session cookie is Secure", async () => {
    expect(tlsDashboard.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { token } = await mintNamespaceToken({
      namespace: project.namespace,
      serviceAccount: "carol",
      clusterRole: "view",
    });
    const context = await tlsBrowser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${tlsDashboard.url}/`);
    await page.locator("#token").fill(token);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${tlsDashboard.url}/`);
    const cookie = (await context.cookies()).find((c) => c.name === "slipway_session");
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: "Strict" });
    await context.close();
  });
});
