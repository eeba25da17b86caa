import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";

// What a CI job reads after `plan` and `deploy`: the step summary GitHub shows and the JUnit
// report Jenkins shows, from the binary against the local platform, in a namespace of its own.
const project = isolatedExample("ci-reports", { node: "simulated" });
const reports = mkdtempSync(join(tmpdir(), "slipway-ci-reports-"));

const slipway = (args: readonly string[], summary: string): Promise<SlipwayResult> =>
  runSlipway(args, {
    cwd: project.root,
    env: { KUBECONFIG: platform.kubeconfig, GITHUB_STEP_SUMMARY: summary },
  });

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; "#text"?: string };
  skipped?: unknown;
  "system-out"?: string;
}

function junitCases(file: string): { tests: string; failures: string; cases: Case[] } {
  const xml = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => name === "testcase",
  }).parse(readFileSync(file, "utf8")) as {
    testsuites: { tests: string; failures: string; testsuite: { testcase: Case[] } };
  };
  return { ...xml.testsuites, cases: xml.testsuites.testsuite.testcase };
}

afterAll(async () => {
  await removeExample(project.namespace);
});

describe("plan and deploy in CI: the step summary and the JUnit report", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    await publishDefinedVersions(project.config);
  });

  it("plan appends per service the version change, its checks and migrations to $GITHUB_STEP_SUMMARY", async () => {
    const summary = join(reports, "plan.md");
    writeFileSync(summary, "# an earlier step\n");
    const r = await slipway(["plan", "auth", "--env", "dev"], summary);
    expect(r.code, r.stderr).toBe(0);
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(/^# an earlier step\n## slipway plan dev: changes\n/);
    expect(markdown).toContain("| auth | (not deployed) → 1.0.0 | ✅ 3 passed | changes |");
    expect(markdown).toMatch(/\| image \| ✅ passed \| .*auth/);
    expect(markdown).toMatch(/\| ci \| ✅ passed \| Jenkins build #\d+ SUCCESS/);
    expect(markdown).toContain('Migrations: check the pending migrations of database "auth"');
  });

  it("deploy: the summary and --junit give each check and the service's outcome", async () => {
    const summary = join(reports, "deploy-1.md");
    const junit = join(reports, "deploy-1.xml");
    const r = await slipway(["deploy", "auth", "--env", "dev", "--yes", "--junit", junit], summary);
    expect(r.code, r.stderr).toBe(0);
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(/^## slipway deploy dev: deployed\n/);
    expect(markdown).toMatch(
      /\| auth \| \(not deployed\) → 1\.0\.0 \| ✅ 4 passed \| deployed \(revision 1\) \|/,
    );
    expect(markdown).toMatch(
      /\| migrations \| ✅ passed \| migrations checked: 2 pending.*<br>dynamic proof: /,
    );
    const report = junitCases(junit);
    expect(report).toMatchObject({ tests: "7", failures: "0" });
    expect(report.cases.map((c) => [c.classname, c.name, c.failure])).toEqual([
      ["slipway.deploy.environment", "check pull-secret", undefined],
      ["slipway.deploy.environment", "check database", undefined],
      ["slipway.deploy.auth", "check image", undefined],
      ["slipway.deploy.auth", "check ci", undefined],
      ["slipway.deploy.auth", "check references", undefined],
      ["slipway.deploy.auth", "check migrations", undefined],
      ["slipway.deploy.auth", "deploy (not deployed) → 1.0.0", undefined],
    ]);
  });

  it("a migration that breaks the running version: the check's case and the deploy's case fail", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.1.0"');
    project.edit(
      "services/auth/calls/login.request.json",
      '"username": { "type": "string" },',
      '"username": { "type": "string" },\n    "rememberMe": { "type": "boolean" },',
    );
    writeFileSync(
      join(project.root, "services", "auth", "migrations", "V3__drop_email.sql"),
      "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN email;\n",
    );
    await publishDefinedVersions(project.config);
    const summary = join(reports, "deploy-2.md");
    const junit = join(reports, "deploy-2.xml");
    const r = await slipway(["deploy", "auth", "--env", "dev", "--yes", "--junit", junit], summary);
    expect(r.code, r.stderr).toBe(4); // refused by the migration check: nothing changed
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(/^## slipway deploy dev: FAILED\n/);
    expect(markdown).toMatch(/\| auth \| 1\.0\.0 → 1\.1\.0 \| ❌ 1 of 4 failed \| failed \(revision 2\) \|/);
    expect(markdown).toMatch(/\| migrations \| ❌ failed \| migration check refused 1 breaking change/);
    expect(markdown).toContain("ban-drop-column");
    expect(markdown).toMatch(/- `auth\.login`: compatible: .*rememberMe/);
    const report = junitCases(junit);
    expect(report).toMatchObject({ failures: "2" });
    const failing = report.cases.filter((c) => c.failure).map((c) => [c.name, c.failure?.message]);
    expect(failing).toEqual([
      ["check migrations", expect.stringMatching(/^migrations: migration check refused 1 breaking change/)],
      ["deploy 1.0.0 → 1.1.0", expect.stringMatching(/^failed: /)],
    ]);
    expect(report.cases.find((c) => c.name === "check migrations")?.failure?.["#text"]).toMatch(
      /V3__drop_email\.sql:2:\d+: error ban-drop-column: dropping users\.email/,
    );
    // The call change against what runs in dev, on the line of the field in the service's schema file.
    const diff = await slipway(["calls", "diff", "auth", "--env", "dev", "--format", "github"], summary);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(
      /^::notice file=services\/auth\/calls\/login\.request\.json,line=5,col=5,title=[a-z-]+::auth\.login: rememberMe: optional field added/m,
    );
  });

  it("a deploy a gate check refuses: the check's case fails and the deploy's is skipped", async () => {
    // A version CI never built: the image check refuses it before anything runs.
    project.edit("services/auth/service.ts", 'version: "1.1.0"', 'version: "9.9.9-never-built"');
    const summary = join(reports, "deploy-3.md");
    const junit = join(reports, "deploy-3.xml");
    const r = await slipway(["deploy", "auth", "--env", "dev", "--yes", "--junit", junit], summary);
    expect(r.code, r.stderr).toBe(4); // refused by a check
    expect(readFileSync(summary, "utf8")).toMatch(/^## slipway deploy dev: refused by a check\n/);
    const report = junitCases(junit);
    expect(report.cases.find((c) => c.name === "check image")?.failure?.message).toMatch(/^image: /);
    expect(report.cases.find((c) => c.name.startsWith("deploy "))?.skipped).toBeDefined();
  });
});
