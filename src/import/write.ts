import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../cli/usage-error.ts";

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON value as a TypeScript literal, as a person would write it: bare keys where they can be. */
export function tsLiteral(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((v) => tsLiteral(v, inner));
    const flat = `[${items.join(", ")}]`;
    return flat.length <= 80 && !flat.includes("\n")
      ? flat
      : `[\n${items.map((i) => `${inner}${i},`).join("\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const items = entries.map(
      ([k, v]) => `${identifier.test(k) ? k : JSON.stringify(k)}: ${tsLiteral(v, inner)}`,
    );
    const flat = `{ ${items.join(", ")} }`;
    return flat.length <= 80 && !flat.includes("\n")
      ? flat
      : `{\n${items.map((i) => `${inner}${i},`).join("\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Writes the project's files under `out`. Refuses (exit 2, naming them) when any of them is
 * there already, unless `force`: nothing is written then, not even the files that are new.
 */
export function writeProject(out: string, files: ReadonlyMap<string, string>, force: boolean): void {
  const existing = [...files.keys()].filter((f) => existsSync(join(out, f)));
  if (existing.length && !force)
    throw new UsageError(
      `${out} already has ${existing.join(", ")}; nothing was written`,
      "pass --force to overwrite them, or choose another --out folder",
    );
  for (const [file, content] of files) {
    const path = join(out, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
