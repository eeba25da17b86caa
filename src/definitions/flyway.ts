import type { MigrationFile } from "./model.ts";

const versioned = /^V(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const repeatable = /^R__(.+)\.sql$/;

/** Parses a Flyway file name; undefined when it is not one. */
export function parseMigrationName(name: string, sql: string): MigrationFile | undefined {
  const v = versioned.exec(name);
  if (v?.[1] && v[2])
    return {
      name,
      kind: "versioned",
      version: v[1].replace(/_/g, "."),
      description: v[2].replace(/_/g, " "),
      sql,
    };
  const r = repeatable.exec(name);
  if (r?.[1]) return { name, kind: "repeatable", description: r[1].replace(/_/g, " "), sql };
  return undefined;
}

/** Orders versions as Flyway does: numerically, part by part (1.10 after 1.9). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A folder's SQL files as Flyway reads them, wherever they came from (beside the definition, or
 * out of an image): each name parsed, versions unique, in Flyway's order (versioned by version,
 * then repeatable by name). Each problem names the file.
 */
export function migrationSet(files: readonly { name: string; sql: string }[]): {
  files: MigrationFile[];
  problems: string[];
} {
  const problems: string[] = [];
  const parsed: MigrationFile[] = [];
  const seen = new Map<string, string>();
  for (const { name, sql } of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = parseMigrationName(name, sql);
    if (!file) {
      problems.push(
        `${name} is not a Flyway name (expected V<version>__<description>.sql or R__<description>.sql)`,
      );
      continue;
    }
    if (file.version) {
      const other = seen.get(file.version);
      if (other) problems.push(`${name} and ${other} have the same version ${file.version}`);
      seen.set(file.version, name);
    }
    parsed.push(file);
  }
  parsed.sort((a, b) =>
    a.kind !== b.kind
      ? a.kind === "versioned"
        ? -1
        : 1
      : a.version && b.version
        ? compareVersions(a.version, b.version)
        : a.name.localeCompare(b.name),
  );
  return { files: parsed, problems };
}
