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
