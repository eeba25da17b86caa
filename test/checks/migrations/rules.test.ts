// The rule registry stays whole: each rule is a file of its own under src/checks/migrations/rules/,
// listed once, with a test file of its own and a line in the docs that names it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../../src/checks/migrations/rules/index.ts";
import { repoRoot } from "../../support/project.ts";

const sourceDir = join(repoRoot, "src/checks/migrations/rules");
const testDir = join(repoRoot, "test/checks/migrations/rules");
const ids = rules.map((r) => r.id);

/** The README and everything under docs/: wherever the rules end up documented. */
function docsText(): string {
  const files = [join(repoRoot, "README.md")];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith(".md")) files.push(join(dir, entry.name));
  };
  walk(join(repoRoot, "docs"));
  return files.map((f) => readFileSync(f, "utf8")).join("\n");
}

describe("the migration rule registry", () => {
  it("lists each rule once, with a description", () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rules) expect(rule.description, rule.id).not.toBe("");
  });

  it("has one source file per rule, named by its id, and no rule file it leaves out", async () => {
    const files = readdirSync(sourceDir).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("_") && f !== "index.ts" && f !== "rule.ts",
    );
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual([...ids].sort());
    for (const file of files) {
      const exported = Object.values((await import(join(sourceDir, file))) as Record<string, unknown>);
      expect(
        exported.map((e) => (e as { id?: string }).id),
        file,
      ).toEqual([file.replace(/\.ts$/, "")]);
    }
  });

  it("has a test file per rule, and no test file for a rule it does not list", () => {
    const tests = readdirSync(testDir).filter((f) => f.endsWith(".test.ts"));
    expect(tests.map((f) => f.replace(/\.test\.ts$/, "")).sort()).toEqual([...ids].sort());
  });

  it("names every rule in the docs", () => {
    const docs = docsText();
    expect(ids.filter((id) => !docs.includes(`\`${id}\``))).toEqual([]);
  });
});
