import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Role } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { mergeKubeconfigs, mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import type { PromotionListDocument, PromotionRequestDocument } from "../../src/output/documents.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kubeAt, platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";
import {
  launchBrowser,
  screenshot,
  skipBrowserTests,
  startDashboard,
  waitForText,
  type RunningDashboard,
} from "../support/dashboard.ts";

const project = isolatedExample("promote", { node: "simulated" });
const prodNamespace = `${project.namespace}-prod`;
const approver = `system:serviceaccount:${prodNamespace}:release-manager`;
const bystander = `system:serviceaccount:${prodNamespace}:bystander`;
let kubeconfigs: { approver: string; bystander: string };
/** Their tokens for prod's cluster: what each pastes into the dashboard. */
let prodTokens: { approver: string; bystander: string };
let admin = "";

/** The binary, as a person with this kubeconfig runs it. */
const as = (kubeconfig: string, ...args: string[]) =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", kubeconfig]);
const asAdmin = (...args: string[]) => as(platform.kubeconfig, ...args);

/** A kubeconfig file for a person (their tokens on both clusters). */
function kubeconfigFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), `slipway-${name}-`)), "kubeconfig");
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

async function personWith(
  serviceAccount: string,
  prodRole: V1Role | "view",
): Promise<{ kubeconfig: string; prodToken: string }> {
  const [dev, prod] = await Promise.all([
    mintNamespaceToken({
      namespace: project.namespace,
      serviceAccount,
      clusterRole: "edit",
      contextName: "local",
    }),
    mintNamespaceToken({
      context: "rancher",
      namespace: prodNamespace,
      serviceAccount,
      contextName: "rancher",
      ...(prodRole === "view" ? { clusterRole: "view" as const } : { role: prodRole }),
    }),
  ]);
  return {
    kubeconfig: kubeconfigFile(serviceAccount, mergeKubeconfigs(dev.kubeconfig, prod.kubeconfig)),
    prodToken: prod.token,
  };
}

const requestId = (text: string): string =>
  /requested promotion (p-\d{8}-\d{4}-[0-9a-f]{4})/.exec(text)?.[1] ?? "";

beforeAll(async () => {
  // prod: promoted from dev, signed off there, and approved by the release manager.
  project.edit("slipway.config.ts", 'namespace: "research"', `namespace: "${prodNamespace}"`);
  project.edit(
    "slipway.config.ts",
    "defaults: { replicas: 2 },",
    `defaults: { replicas: 2 },\n  promotion: { from: "dev" },\n  approval: { approvers: ["${approver}"] },`,
  );
  await Promise.all([
    provisionExampleDatabases(project.config, "dev"),
    provisionExampleDatabases(project.config, "prod"),
    publishDefinedVersions(project.config, "dev"),
  ]);
  const dev = await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes", "--timeout", "90s");
  if (dev.code !== 0) throw new Error(`the dev deploy failed:\n${dev.stdout}${dev.stderr}`);
  const role = parse((await slipway(project.config, "rbac", "--env", "prod")).stdout) as V1Role;
  const [a, b] = await Promise.all([personWith("release-manager", role), personWith("bystander", role)]);
  kubeconfigs = { approver: a.kubeconfig, bystander: b.kubeconfig };
  prodTokens = { approver: a.prodToken, bystander: b.prodToken };
  admin = await Cluster.open("rancher", platform.kubeconfig).whoami();
});

afterAll(async () => {
  await removeExample(project.namespace);
  await kubeAt("rancher")
    .core()
    .deleteNamespace({ name: prodNamespace })
    .catch(() => undefined);
});

describe("promotion to prod: requested by one person, approved by another", () => {
  it("refuses a plain deploy to prod, naming the way that works", async () => {
    const r = await asAdmin("deploy", "auth", "--env", "prod", "--yes");
    expect(r.code, r.stderr).toBe(ExitCode.refused);
    expect(r.stderr).toContain("✗ approval: prod deploys only approved promotions");
    expect(r.stderr).toContain(
      "a deploy to prod is a promotion from dev, requested by one person and approved by 1 other person: slipway promote --from dev --to prod auth",
    );
  });

  it("refuses to request it before dev's manual sign-off", async () => {
    const r = await asAdmin("promote", "--from", "dev", "--to", "prod", "auth");
    expect(r.code, r.stderr).toBe(ExitCode.refused);
    expect(r.stdout + r.stderr).toContain("nobody signed off the manual test of auth");
    expect(r.stderr).toContain("no promotion of prod was requested");
    const list = JSON.parse(
      (await asAdmin("promotions", "--env", "prod", "-o", "json")).stdout,
    ) as PromotionListDocument;
    expect(list.promotions).toEqual([]);
  });

  it("is requested with prod's plan, refused to the requester, to a non-approver and when stale, then approved and deployed", async () => {
    const version = (
      await new ReleaseStore(Cluster.open("local", platform.kubeconfig), project.namespace).summaries("auth")
    )[0]?.version;
    expect(
      (await asAdmin("signoff", "auth", version ?? "", "--env", "dev", "--note", "logged in by hand")).code,
    ).toBe(0);

    // A request that goes stale: prod's parameters change after it was made.
    const first = await asAdmin("promote", "--from", "dev", "--to", "prod", "auth");
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain("Plan for research-cloud in prod");
    expect(first.stdout).toMatch(/- approval: requested now: the deploy runs once 1 other person approve/);
    const stale = requestId(first.stderr);
    expect(stale).not.toBe("");
    project.edit(
      "slipway.config.ts",
      "parameters: { maintenance: { retentionDays: 730 } },",
      'parameters: { maintenance: { retentionDays: 730 }, auth: { logLevel: "warn" } },',
    );
    const refusedStale = await as(kubeconfigs.approver, "approve", stale, "--env", "prod", "--yes");
    expect(refusedStale.code, refusedStale.stderr).toBe(ExitCode.refused);
    expect(refusedStale.stderr).toContain(
      `promotion ${stale} is stale: the definitions or parameters of auth for prod changed`,
    );

    // Made again, as things are now.
    const second = await asAdmin("promote", "--from", "dev", "--to", "prod", "auth", "-o", "json");
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const request = JSON.parse(second.stdout) as PromotionRequestDocument;
    expect(request).toMatchObject({
      kind: "PromotionRequest",
      from: "dev",
      to: "prod",
      state: "pending",
      requestedBy: admin,
    });
    expect(request.services).toEqual([
      expect.objectContaining({ service: "auth", version, digest: expect.stringMatching(/^sha256:/) }),
    ]);

    // Nobody approves their own request; only a named approver approves.
    const self = await asAdmin("approve", request.id, "--env", "prod", "--yes");
    expect(self.code).toBe(ExitCode.refused);
    expect(self.stderr).toContain(
      `${admin} requested promotion ${request.id}: another person must approve it`,
    );
    const other = await as(kubeconfigs.bystander, "approve", request.id, "--env", "prod", "--yes");
    expect(other.code).toBe(ExitCode.refused);
    expect(other.stderr).toContain(`${bystander} is not among prod's approvers (${approver}`);

    const approved = await as(
      kubeconfigs.approver,
      "approve",
      request.id,
      "--env",
      "prod",
      "--yes",
      "--timeout",
      "90s",
    );
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(approved.stderr).toContain(
      `✓ approval: promotion ${request.id} from dev: requested by ${admin}, approved by ${approver}`,
    );
    expect(approved.stderr).toMatch(
      new RegExp(`promotion ${request.id} deployed to prod: auth: deployed \\(revision 1\\)`),
    );

    // The record says who asked and who approved; the approver deployed it.
    const prod = new ReleaseStore(Cluster.open("rancher", platform.kubeconfig), prodNamespace);
    const record = await prod.get("auth", 1);
    expect(record.deployedBy).toMatch(new RegExp(`^${approver} `));
    expect(record.promotion).toMatchObject({
      id: request.id,
      from: "dev",
      requestedBy: admin,
      approvedBy: [approver],
    });
    expect(record.digests.auth).toBe(request.services[0]?.digest);
    const history = await asAdmin("history", "auth", "--env", "prod");
    expect(history.stdout).toContain(`${approver} (`);
    expect(history.stdout).toContain(`approving ${request.id} requested by ${admin}`);
    expect(history.stdout).toContain("promote 1.0.0 from dev");
    const list = JSON.parse(
      (await asAdmin("promotions", "--env", "prod", "-o", "json")).stdout,
    ) as PromotionListDocument;
    expect(list.promotions.map((p) => [p.id, p.state])).toEqual([
      [request.id, "deployed"],
      [stale, "pending"],
    ]);
    // Approved once, deployed once: a second approval is refused.
    const again = await as(kubeconfigs.approver, "approve", request.id, "--env", "prod", "--yes");
    expect(again.code).toBe(ExitCode.refused);
    expect(again.stderr).toContain(`promotion ${request.id} is deployed already`);
  });
});

describe.skipIf(skipBrowserTests)("promotion in the dashboard, in a real browser", () => {
  let dashboard: RunningDashboard;
  let browser: Browser;
  beforeAll(async () => {
    project.edit("slipway.config.ts", 'auth: { logLevel: "warn" }', 'auth: { logLevel: "error" }');
    dashboard = await startDashboard(project.config, "--sign-in", "token");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  async function signedIn(token: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${dashboard.url}/promotions`);
    await page.locator("#token").fill(token);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/promotions$/);
    return page;
  }

  it("is requested from the dashboard, refused to its requester, and deployed when an approver approves", async () => {
    // A change for prod alone (its log level, set before the dashboard loaded the definitions),
    // requested by the bystander from the dashboard.
    const requester = await signedIn(prodTokens.bystander);
    await requester.locator('a[href="/actions/promote?env=prod"]').click();
    await requester.locator('main button[type="submit"]').click();
    const said = await requester.locator("[data-result]").innerText();
    expect(said).toContain(`by ${bystander}: auth`);
    const id = requestId(said);
    expect(id).not.toBe("");
    await requester.goto(`${dashboard.url}/promotions`);
    const entry = `li[data-promotion="${id}"]`;
    expect(await requester.locator(`${entry}`).getAttribute("data-state")).toBe("pending");
    expect(await requester.locator(entry).innerText()).toContain(`requested by ${bystander}`);
    await requester.locator(`${entry} a[href^="/actions/approve"]`).click();
    await requester.locator('main button[type="submit"]').click();
    expect(await requester.locator("[data-result]").innerText()).toContain(
      `${bystander} requested promotion ${id}: another person must approve it`,
    );

    const approving = await signedIn(prodTokens.approver);
    await approving.locator(`${entry} a[href^="/actions/approve"]`).click();
    // The confirmation shows the plan the request was made with.
    expect(await approving.locator("pre.detail").innerText()).toContain('logLevel="error"');
    await screenshot(approving, "dashboard-approve-promotion");
    await approving.locator('main button[type="submit"]').click();
    await waitForText(
      approving,
      "[data-result]",
      new RegExp(`promotion ${id} deployed to prod: auth: deployed \\(revision 2\\)`),
    );
    const record = await new ReleaseStore(Cluster.open("rancher", platform.kubeconfig), prodNamespace).get(
      "auth",
      2,
    );
    expect(record.deployedBy).toBe(`${approver} (slipway ui)`);
    expect(record.promotion).toMatchObject({ id, requestedBy: bystander, approvedBy: [approver] });
    await approving.goto(`${dashboard.url}/promotions`);
    expect(await approving.locator(entry).getAttribute("data-state")).toBe("deployed");
  });
});
