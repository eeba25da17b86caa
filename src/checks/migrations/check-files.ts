import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { compareVersions, parseMigrationName } from "../../definitions/flyway.ts";
import type { MigrationFinding } from "./finding.ts";
import { lintMigrations, type MigrationSource } from "./lint.ts";

/**
 * Which files are new (pending), when no database says so: the user does. Without either, every
 * file is checked as if all the files before it in its folder were applied (conservative).
 */
export interface PendingSelection {
  /** `--applied-through V<n>`: versions up to this one were applied; later ones and repeatables are new. */
  readonly appliedThrough?: string;
  /** `--since <git ref>`: files that revision holds were applied; the ones the work tree adds (and changed repeatables) are new. */
  readonly since?: string;
}

/** What a check of some paths covered, for its report. */
export interface MigrationCheck {
  readonly findings: MigrationFinding[];
  /** The files checked, in the order checked (reports list clean ones too). */
  readonly files: string[];
  /** With a selection: the named files it counts as applied, which are not checked. */
  readonly applied: string[];
  /** Whether a selection said which files are new. */
  readonly pendingKnown: boolean;
}

/** Versioned files first in version order, repeatables after, as Flyway runs them. */
function flywayOrder(files: string[]): string[] {
  const parsed = files.map((f) => ({ f, m: parseMigrationName(basename(f), "") }));
  return parsed
    .sort((a, b) => {
      const av = a.m?.version;
      const bv = b.m?.version;
      if (av && bv) return compareVersions(av, bv);
      if (av) return -1;
      if (bv) return 1;
      return a.f.localeCompare(b.f);
    })
    .map((p) => p.f);
}

/** A path's SQL files in Flyway order, and which of them it names (all of a folder, or the one file). */
function filesOf(path: string): { folder: string; all: string[]; targets: string[] } {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  const folder = statSync(path).isDirectory() ? path : dirname(path);
  const all = flywayOrder(
    readdirSync(folder)
      .filter((f) => f.endsWith(".sql"))
      .map((f) => join(folder, f)),
  );
  return { folder, all, targets: statSync(path).isDirectory() ? all : [path] };
}

/** `V3`, `3`, `V3.1` or `3_1` as Flyway's version (3, 3.1); undefined when it is none. */
export function parseAppliedThrough(text: string): string | undefined {
  const m = /^[Vv]?(\d+(?:[._]\d+)*)$/.exec(text.trim());
  return m?.[1]?.replace(/_/g, ".");
}

const git = (folder: string, args: readonly string[]): string =>
  execFileSync("git", ["-C", folder, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The files of a folder that a git revision holds, by name, with their text there. */
function filesAtRevision(folder: string, ref: string): Map<string, string> {
  try {
    git(folder, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new Error(
      said.includes("not a git repository")
        ? `--since ${ref}: ${folder} is not in a git repository`
        : `--since ${ref}: no such git revision in the repository of ${folder}`,
    );
  }
  const names = git(folder, ["ls-tree", "--name-only", ref, "./"])
    .split("\n")
    .filter((n) => n.endsWith(".sql") && !n.includes("/"));
  return new Map(names.map((n) => [n, git(folder, ["show", `${ref}:./${n}`])]));
}

/** Whether a file of a folder was applied, by the selection: either flag saying so is enough. */
function appliedBy(folder: string, selection: PendingSelection): (file: string) => boolean {
  const atRef = selection.since !== undefined ? filesAtRevision(folder, selection.since) : undefined;
  return (file) => {
    const m = parseMigrationName(basename(file), "");
    if (
      selection.appliedThrough !== undefined &&
      m?.version !== undefined &&
      compareVersions(m.version, selection.appliedThrough) <= 0
    )
      return true;
    if (!atRef) return false;
    const before = atRef.get(basename(file));
    if (before === undefined) return false;
    // A repeatable runs again whenever it changes.
    return m?.kind !== "repeatable" || before === readFileSync(file, "utf8");
  };
}

const source = (file: string): MigrationSource => ({ name: file, sql: readFileSync(file, "utf8") });

/**
 * Checks files or folders outside any deploy (for CI). With a selection, the new files of each
 * folder are checked together, as a deploy checks the pending ones: what one creates, a later one
 * may change. Without one, each file is checked against the schema the files before it leave, as
 * if those were applied, so such a change is flagged.
 */
export async function checkMigrationPaths(
  paths: readonly string[],
  selection: PendingSelection = {},
): Promise<MigrationCheck> {
  const pendingKnown = selection.appliedThrough !== undefined || selection.since !== undefined;
  const findings: MigrationFinding[] = [];
  const files: string[] = [];
  const applied: string[] = [];
  for (const path of paths) {
    const { folder, all, targets } = filesOf(path);
    if (pendingKnown) {
      const isApplied = appliedBy(folder, selection);
      const pending = all.filter((f) => !isApplied(f));
      const history = all.filter(
        (f) => isApplied(f) && parseMigrationName(basename(f), "")?.kind === "versioned",
      );
      const wanted = new Set(targets);
      const found = await lintMigrations(pending.map(source), history.map(source));
      findings.push(...found.filter((f) => wanted.has(f.file)));
      files.push(...pending.filter((f) => wanted.has(f)));
      applied.push(...targets.filter((f) => !pending.includes(f)));
      continue;
    }
    for (const target of targets) {
      const index = all.indexOf(target);
      const history = all.slice(0, index === -1 ? 0 : index).map(source);
      findings.push(...(await lintMigrations([source(target)], history)));
      files.push(target);
    }
  }
  return { findings, files, applied, pendingKnown };
}
