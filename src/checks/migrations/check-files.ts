import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { compareVersions, parseMigrationName } from "../../definitions/flyway.ts";
import type { MigrationFinding } from "./finding.ts";
import { lintMigrations, type MigrationSource } from "./lint.ts";

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
function filesOf(path: string): { all: string[]; targets: string[] } {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  const folder = statSync(path).isDirectory() ? path : dirname(path);
  const all = flywayOrder(
    readdirSync(folder)
      .filter((f) => f.endsWith(".sql"))
      .map((f) => join(folder, f)),
  );
  return { all, targets: statSync(path).isDirectory() ? all : [path] };
}

/** The files a check of these paths reads, in the order it checks them (reports list clean ones too). */
export function migrationFilesIn(paths: readonly string[]): string[] {
  return paths.flatMap((path) => filesOf(path).targets);
}

/**
 * Checks files or folders outside any deploy (for CI): each file against the schema the files
 * before it in its folder leave, as if those were applied.
 */
export async function checkMigrationPaths(paths: readonly string[]): Promise<MigrationFinding[]> {
  const findings: MigrationFinding[] = [];
  for (const path of paths) {
    const { all, targets } = filesOf(path);
    for (const target of targets) {
      const index = all.indexOf(target);
      const history: MigrationSource[] = all
        .slice(0, index === -1 ? 0 : index)
        .map((f) => ({ name: f, sql: readFileSync(f, "utf8") }));
      findings.push(
        ...(await lintMigrations([{ name: target, sql: readFileSync(target, "utf8") }], history)),
      );
    }
  }
  return findings;
}
