import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSlipway } from "../support/slipway-bin.ts";

/**
 * `slipway migrations check` told which files are new (--since, --applied-through) checks them
 * together, as a deploy checks its pending files; told nothing, it stays conservative and says so.
 */
const repo = mkdtempSync(join(tmpdir(), "slipway-pending-"));
const folder = join(repo, "migrations");
const git = (...args: string[]): string =>
  execFileSync("git", ["-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t", ...args], {
    encoding: "utf8",
  });
const write = (name: string, sql: string): void => writeFileSync(join(folder, name), sql);

beforeAll(() => {
  mkdirSync(folder);
  git("init", "-q", "-b", "main");
  write("V1__files.sql", "create table files (id bigint primary key, path text);\n");
  git("add", ".");
  git("commit", "-q", "-m", "applied");
  git("checkout", "-q", "-b", "feature");
  // The branch: a new table, and a later file that renames a column of it and one of files.
  write("V2__tags.sql", "create table tags (id bigint primary key, name text);\n");
  git("add", ".");
  git("commit", "-q", "-m", "tags");
  write(
    "V3__rename.sql",
    "set lock_timeout = '5s';\nalter table tags rename column name to label;\nalter table files rename column path to location;\n",
  );
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const renamed = (stdout: string): string[] =>
  [...stdout.matchAll(/V3__rename\.sql:(\d+):\d+: error renaming-column: renaming (\S+) to/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );

describe("migrations check: which files are new", () => {
  it("without --since or --applied-through, flags a change to what an earlier file creates, and says why", async () => {
    const r = await runSlipway(["migrations", "check", folder]);
    expect(r.code, r.stderr).toBe(1);
    expect(renamed(r.stdout)).toEqual(["2 tags.name", "3 files.path"]);
    expect(r.stderr).toContain(
      "which files are new was not said, so each was checked as if every file before it were applied, and changes to what an earlier file creates are flagged (--since <git ref> or --applied-through V<n> says which are new)",
    );
  });

  it("--since <ref>: the files the branch adds are checked together; a table one of them creates may change", async () => {
    for (const flags of [
      ["--since", "main"],
      ["--applied-through", "V1"],
      ["--since", "main", "--applied-through", "1"],
    ]) {
      const r = await runSlipway(["migrations", "check", folder, ...flags]);
      expect(r.code, `${flags.join(" ")}\n${r.stderr}`).toBe(1);
      expect(renamed(r.stdout), flags.join(" ")).toEqual(["3 files.path"]);
      expect(r.stderr).toContain(
        "1 error(s), 0 warning(s), 0 suppressed; 2 new file(s) checked together, so changes to what one creates are not flagged in a later one; 1 applied file(s) not checked",
      );
    }
  });

  it("counts a file applied when either flag says so", async () => {
    const r = await runSlipway(["migrations", "check", folder, "--applied-through", "V2", "--since", "main"]);
    expect(renamed(r.stdout)).toEqual(["2 tags.name", "3 files.path"]);
    const json = await runSlipway(["migrations", "check", folder, "--since", "feature", "-o", "json"]);
    const doc = JSON.parse(json.stdout) as { pending: string[] | null };
    expect(doc.pending).toEqual([join(folder, "V3__rename.sql")]);
    const conservative = await runSlipway(["migrations", "check", folder, "-o", "json"]);
    expect((JSON.parse(conservative.stdout) as { pending: unknown }).pending).toBeNull();
  });

  it("refuses a revision git does not know and a version that is none, with exit 2", async () => {
    const ref = await runSlipway(["migrations", "check", folder, "--since", "no-such-branch"]);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toContain("--since no-such-branch: no such git revision in the repository of");
    expect(ref.stderr).not.toMatch(/^\s+at /m);
    const outside = await runSlipway(["migrations", "check", tmpdir(), "--since", "main"]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`--since main: ${tmpdir()} is not in a git repository`);
    const version = await runSlipway(["migrations", "check", folder, "--applied-through", "latest"]);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain("--applied-through latest: not a Flyway version");
  });
});
