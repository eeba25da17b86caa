// The README is the front page: the two commands first, short, and every page of docs/ reachable
// from the docs index.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/project.ts";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const scripts = (
  JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("the README's front page", () => {
  it("starts with the two commands, each an npm script of this package", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = firstBlock
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => l.replace(/#.*$/, "").trim());
    expect(commands).toEqual(["npm run demo", "npm run test:all"]);
    expect(scripts.demo).toBe("bash scripts/demo.sh");
    expect(scripts["test:all"]).toBe("bash scripts/test.sh");
    // Nothing before them but the title and what Slipway is.
    expect(readme.indexOf("```")).toBeLessThan(readme.indexOf("\n## "));
  });

  it("stays under about 250 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(250);
  });

  it("leads to every page of docs/, through docs/README.md", () => {
    const index = readFileSync(join(repoRoot, "docs", "README.md"), "utf8");
    const pages = readdirSync(join(repoRoot, "docs"), { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".md") && f !== "README.md",
    );
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.filter((p) => !index.includes(`](${p})`))).toEqual([]);
    expect(readme).toContain("](docs/README.md)");
  });
});
