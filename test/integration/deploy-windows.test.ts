// Deploy windows on the local platform, through the installed binary: a deploy refused in a deny
// window with its message, a rollback allowed during the freeze (and refused where the environment
// says so), and break-glass by an identity the environment names (recorded, shown, announced)
// and refused for another identity: a namespace-scoped token, as least-privilege.test.ts mints.
// The break-glass is announced by the deploy's notification too (a webhook the test receives).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { V1Role } from "@kubernetes/client-node";
import { mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import type { HistoryDocument, WindowsDocument } from "../../src/output/documents.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";
import { startReceiver } from "../support/webhook-receiver.ts";

const project = isolatedExample("windows", { node: "simulated" });
const hookKey = "windows-test-hook-key";
const slipway = (...args: string[]) =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", platform.kubeconfig], {
    env: { WINDOWS_HOOK_KEY: hookKey },
  });
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

afterAll(async () => {
  await receiver?.close();
  await removeExample(project.namespace);
});

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await publishDefinedVersions(project.config);
  // Two releases of auth before the freeze: revision 1, then 2 with another log level.
  for (const set of [[], ["--set", "auth.logLevel=trace"]]) {
    const r = await slipway("deploy", "auth", "-e", "dev", "--yes", "--timeout", "60s", ...set);
    expect(r.code, r.stderr).toBe(0);
  }
  // Then dev freezes: a deny window from the day before yesterday through tomorrow, which the
  // cluster's admins (system:masters) may break.
  project.edit(
    "slipway.config.ts",
    'name: "dev",',
    `name: "dev",
  windows: [{ deny: { from: "${day(-2)}", to: "${day(1)}", timeZone: "Europe/Copenhagen" }, reason: "exam week" }],
  breakGlass: { groups: ["system:masters"] },
  notifications: [{ name: "channel", type: "webhook", url: "${(receiver = await startReceiver()).url}/hook", signingKey: { env: "WINDOWS_HOOK_KEY" } }],`,
  );
});

describe("a deploy in a deny window", () => {
  it("is refused by deploy (exit 4) and plan (exit 1), naming the window, its reason, the next allowed time and the way out", async () => {
    const deploy = await slipway("deploy", "auth", "-e", "dev", "--yes", "--set", "auth.logLevel=info");
    expect(deploy.code, deploy.stderr).toBe(4);
    expect(deploy.stderr).toContain(
      `error: refused: dev is frozen: deny window "exam week" (${day(-2)} to ${day(1)}, Europe/Copenhagen; this one`,
    );
    expect(deploy.stderr).toMatch(
      /next allowed time: \w{3} \d{4}-\d{2}-\d{2} 00:00 CES?T \(\d{4}-\d{2}-\d{2}T2[23]:00:00\.000Z\)/,
    );
    expect(deploy.stderr).toContain(
      'way out: wait until then, or, as group system:masters: slipway deploy -e dev auth --break-glass --reason "..."',
    );
    expect(deploy.stderr).toContain("nothing was deployed");

    const plan = await slipway("plan", "auth", "-e", "dev", "--set", "auth.logLevel=info");
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stdout).toMatch(/✗ window: dev is frozen: deny window "exam week"/);
    expect(plan.stdout).toContain('BLOCKED: dev is frozen: deny window "exam week"');
  });

  it("slipway windows lists the window in force and when dev opens again", async () => {
    const r = await slipway("windows", "-e", "dev", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as WindowsDocument;
    expect(doc).toMatchObject({
      kind: "Windows",
      environment: "dev",
      frozen: true,
      rollbackDuringFreeze: true,
    });
    expect(doc.windows).toEqual([
      expect.objectContaining({ index: 0, kind: "deny", reason: "exam week", inForce: expect.anything() }),
    ]);
    expect(doc.changes[0]).toMatchObject({ frozen: false });
    expect(doc.breakGlass).toEqual({ users: [], groups: ["system:masters"] });
    const table = await slipway("windows", "-e", "dev");
    expect(table.stdout).toMatch(/^dev is FROZEN at .*deny window "exam week"/);
    expect(table.stdout).toContain("break-glass: group system:masters; rollbacks while frozen: allowed");
  });
});

describe("a rollback during the freeze", () => {
  it("is allowed by default: it goes back to what ran before, and the record says it was frozen", async () => {
    const r = await slipway("rollback", "auth", "-e", "dev", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('auth: dev is frozen (deny window "exam week"');
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: "rolled-back",
      toRevision: 1,
      revision: 3,
      checks: expect.arrayContaining([expect.objectContaining({ check: "window", outcome: "allowed" })]),
    });
  });
});

describe("break-glass", () => {
  it("is refused for an identity the environment does not name, with who it is and who may", async () => {
    const printed = await slipway("rbac", "--env", "dev");
    const minted = await mintNamespaceToken({
      namespace: project.namespace,
      serviceAccount: "slipway-windows",
      role: parse(printed.stdout) as V1Role,
      contextName: "local",
    });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), "slipway-windows-")), "kubeconfig");
    writeFileSync(kubeconfig, minted.kubeconfig, { mode: 0o600 });
    const r = await runSlipway([
      ...["deploy", "auth", "-e", "dev", "--yes", "--set", "auth.logLevel=warn"],
      ...["--break-glass", "--reason", "INC-231", "-c", project.config, "--kubeconfig", kubeconfig],
    ]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(
      `system:serviceaccount:${project.namespace}:slipway-windows (groups system:serviceaccounts, system:serviceaccounts:${project.namespace}, system:authenticated) may not break glass in dev: only group system:masters may`,
    );
  });

  it("needs a reason (exit 2)", async () => {
    const r = await slipway("deploy", "auth", "-e", "dev", "--yes", "--break-glass");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--break-glass needs --reason");
  });

  it("by an identity the environment names deploys, announces it on the event stream, and records who, why and which window", async () => {
    const r = await slipway(
      ...["deploy", "auth", "-e", "dev", "--yes", "--set", "auth.logLevel=warn", "--timeout", "60s"],
      ...["--break-glass", "--reason", "INC-231: sessions leak", "-o", "jsonl"],
    );
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; type?: string });
    const announced = events.find((e) => e.kind === "DeployEvent" && e.type === "break-glass");
    expect(announced).toMatchObject({
      environment: "dev",
      reason: "INC-231: sessions leak",
      groups: expect.arrayContaining(["system:masters"]),
      windows: [`deny "exam week" (${day(-2)} to ${day(1)}, Europe/Copenhagen)`],
    });

    const history = await slipway("history", "auth", "-e", "dev", "-o", "json");
    const latest = (JSON.parse(history.stdout) as HistoryDocument).releases[0];
    expect(latest).toMatchObject({
      revision: 4,
      status: "deployed",
      breakGlass: {
        reason: "INC-231: sessions leak",
        windows: [`deny "exam week" (${day(-2)} to ${day(1)}, Europe/Copenhagen)`],
      },
    });
    expect(latest?.breakGlass?.by).toBe((announced as { by?: string }).by);
    // The channel was told: the deploy's message carries the break-glass, its headline says so.
    const messages = (receiver?.received ?? []).map(
      (m) => JSON.parse(m.body) as { id: string; breakGlass?: string; outcome: string },
    );
    const told = messages.filter((m) => m.breakGlass);
    expect(told.length).toBeGreaterThan(0);
    expect(told.at(-1)?.breakGlass).toMatch(
      /^break-glass by \S+ through deny "exam week" .*: INC-231: sessions leak$/,
    );
    expect(messages.filter((m) => m.id === told[0]?.id).at(-1)?.outcome).toBe("succeeded");
    const status = await slipway("status", "-e", "dev");
    expect(status.stdout).toMatch(
      /auth .* break-glass by \S+ through deny "exam week" .*: INC-231: sessions leak/,
    );
    const table = await slipway("history", "auth", "-e", "dev");
    expect(table.stdout).toContain("break-glass by");
  });
});

describe("an environment that freezes rollbacks too", () => {
  it("refuses a rollback in the freeze (exit 4), with the way out", async () => {
    project.edit("slipway.config.ts", "breakGlass: {", "rollbackDuringFreeze: false,\n  breakGlass: {");
    const r = await slipway("rollback", "auth", "-e", "dev");
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('error: refused: dev is frozen: deny window "exam week"');
    expect(r.stderr).toContain("(rollbacks too: rollbackDuringFreeze: false)");
    expect(r.stderr).toContain('slipway rollback auth -e dev --break-glass --reason "..."');
  });
});

describe("a window the definitions get wrong", () => {
  it("is a located definition error (exit 2)", async () => {
    project.edit(
      "slipway.config.ts",
      'reason: "exam week"',
      'reason: "exam week" }, { deny: { cron: "0 16 * * 5", duration: "64 hours", timeZone: "Europe/Copenhagen" }, reason: "weekend"',
    );
    const r = await slipway("validate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'slipway.config.ts: environments[0].windows[1].deny.duration: expected a duration of days, hours and minutes such as "64h", "1h30m" or "2d", found string "64 hours"',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
