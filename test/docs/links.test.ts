// Every relative link in README.md and docs/**/*.md must point to a file (or folder) that exists
// and, with a #anchor, to a heading of that page, slugged as GitHub slugs it (github-slugger).
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/project.ts";

/** The Markdown outside fenced code blocks, where links and headings are what they look like. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** The anchors of a page's headings: GitHub slugs the heading's text, numbering repeats. */
function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const out = new Set<string>();
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link's text
      .replace(/`([^`]*)`/g, "$1")
      .replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, "$1");
    out.add(slugger.slug(text));
  }
  return out;
}

/** Each broken relative link of a Markdown file: `file: target: why`. */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  const lines = prose(readFileSync(file, "utf8")).map((l) => l.replace(/`[^`]*`/g, ""));
  for (const match of lines.join("\n").matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path = "", anchor] = target.split("#");
    const resolved = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
    const where = `${relative(repoRoot, file)}: ${target}`;
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (
      anchor !== undefined &&
      resolved.endsWith(".md") &&
      !anchors(readFileSync(resolved, "utf8")).has(anchor)
    )
      problems.push(`${where}: no heading with that anchor`);
  }
  return problems;
}

const markdownFiles = [
  join(repoRoot, "README.md"),
  ...readdirSync(join(repoRoot, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(repoRoot, "docs", f)),
];

describe("links in the README and docs/", () => {
  it("reads the front page and every page under docs/", () => {
    expect(markdownFiles.length).toBeGreaterThan(10);
  });

  it.each(markdownFiles.map((f) => [relative(repoRoot, f), f]))(
    "%s: every relative link resolves",
    (_name, file) => {
      expect(brokenLinks(file)).toEqual([]);
    },
  );

  it("catches a missing file and a missing anchor, and takes GitHub's slugs", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-links-"));
    writeFileSync(
      join(dir, "b.md"),
      "# Exit codes\n\n## `plan --detailed-exitcode`, and why\n\n## Exit codes\n",
    );
    writeFileSync(
      join(dir, "a.md"),
      [
        "[ok](b.md#exit-codes) [ok](b.md#plan---detailed-exitcode-and-why) [ok](b.md#exit-codes-1) [ok](#top)",
        "# Top",
        "[gone](c.md) [bad anchor](b.md#exit-code) `[in code](nowhere.md)`",
        "```",
        "[in a fence](nowhere.md)",
        "```",
        "[web](https://example.org/x.md)",
      ].join("\n"),
    );
    expect(brokenLinks(join(dir, "a.md")).map((p) => p.replace(/^.*?a\.md: /, ""))).toEqual([
      "c.md: no such file",
      "b.md#exit-code: no heading with that anchor",
    ]);
  });
});
