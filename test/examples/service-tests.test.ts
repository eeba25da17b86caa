import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runServiceTests } from "../../scripts/service-tests.ts";
import { repoRoot } from "../support/project.ts";

// The example's CI step: the counts it reports to Jenkins are the ones node --test ran.
const scratch = mkdtempSync(join(tmpdir(), "slipway-service-tests-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A program folder in the scratch folder, made of the files given. */
function program(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries({ "package.json": '{ "type": "module" }\n', ...files }))
    writeFileSync(join(dir, file), text);
  return dir;
}

const header = 'import { test } from "node:test";\nimport assert from "node:assert/strict";\n';
const services = join(repoRoot, "examples", "platform", "services");

describe("running a service program's tests", () => {
  it("runs every example service's own tests, and they pass", async () => {
    expect(readdirSync(services)).toHaveLength(6);
    for (const service of readdirSync(services)) {
      const run = await runServiceTests(join(services, service, "app"));
      expect(run.files, service).toEqual(["handler.test.js"]);
      expect(run.passed, service).toBeGreaterThanOrEqual(3);
      expect({ failed: run.failed, skipped: run.skipped }, `${service}:\n${run.output}`).toEqual({
        failed: 0,
        skipped: 0,
      });
    }
  });

  it("counts passed, failed (cancelled too) and skipped (todo too) tests across files", async () => {
    const dir = program("mixed", {
      "a.test.js": `${header}test("adds", () => assert.equal(1 + 1, 2));\ntest("breaks", () => assert.equal(1 + 1, 3));\n`,
      "b.test.js": `${header}test.skip("later", () => {});\ntest.todo("some day");\ntest("also adds", () => {});\n`,
      "helper.js": "export const unused = 1;\n",
    });
    const run = await runServiceTests(dir);
    expect(run.files).toEqual(["a.test.js", "b.test.js"]);
    expect({ passed: run.passed, failed: run.failed, skipped: run.skipped }).toEqual({
      passed: 2,
      failed: 1,
      skipped: 2,
    });
    expect(run.output).toContain("not ok");
    expect(run.output).toContain("breaks");
  });

  it("counts a test file that does not even load as a failure", async () => {
    const dir = program("broken", { "x.test.js": `${header}test("never runs", () => {}\n` });
    const run = await runServiceTests(dir);
    expect(run.failed).toBe(1);
    expect(run.passed).toBe(0);
  });

  it("refuses a program without tests, naming its folder", async () => {
    const dir = program("untested", { "handler.js": "export const handle = () => 200;\n" });
    await expect(runServiceTests(dir)).rejects.toThrow(`${dir} has no *.test.js files`);
  });
});
