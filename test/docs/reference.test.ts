// The README's field reference must name every field a definition takes: this walks the
// definitions' schema (what `validate` accepts) and fails on a field the reference leaves out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { environmentSchema, projectSchema, serviceSchema } from "../../src/definitions/schema.ts";
import { repoRoot } from "../support/project.ts";

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
}
const defOf = (s: z.ZodType): SchemaDef => (s as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Every field path of a schema, written as the reference writes it: `<name>` for a key you choose. */
function fieldPaths(s: z.ZodType, prefix = "", out = new Set<string>()): Set<string> {
  const d = defOf(s);
  const inner = (child: z.ZodType | undefined, path = prefix): void => {
    if (child) fieldPaths(child, path, out);
  };
  switch (d.type) {
    case "object":
      for (const [key, child] of Object.entries(d.shape ?? {})) {
        const path = prefix ? `${prefix}.${key}` : key;
        out.add(path);
        inner(child, path);
      }
      break;
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
      inner(d.innerType);
      break;
    case "union":
      for (const option of d.options ?? []) inner(option);
      break;
    case "intersection":
      inner(d.left);
      inner(d.right);
      break;
    case "array":
      inner(d.element, `${prefix}[]`);
      break;
    case "record":
      inner(d.valueType, `${prefix}.<name>`);
      break;
    case "pipe":
      inner(d.in);
      break;
  }
  return out;
}

/** Fields the reference documents once and names the others after ("the same fields as"). */
const sameFieldsAs: readonly (readonly [string, string])[] = [
  ["container.", "deployment."],
  ["deployment.readiness.", "deployment.liveness."],
  ["deployment.resources.limits.", "deployment.resources.requests."],
  ["pod.sidecars.", "pod.initContainers."],
  ["pod.initContainers.<name>.env.", "deployment.env."],
  ["pod.initContainers.<name>.resources.", "deployment.resources."],
];

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("### Field reference"), readme.indexOf("\n## Commands"));
const documented = new Set([...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]));

function isDocumented(path: string): boolean {
  if (documented.has(path)) return true;
  return sameFieldsAs.some(
    ([from, to]) => path.startsWith(from) && isDocumented(to + path.slice(from.length)),
  );
}

describe("the README's field reference", () => {
  it.each([
    ["project", projectSchema],
    ["environment", environmentSchema],
    ["service", serviceSchema],
  ] as const)("names every field of a %s, each with an example", (_kind, schema) => {
    expect(section.length).toBeGreaterThan(0);
    const missing = [...fieldPaths(schema)].filter((p) => !isDocumented(p));
    expect(missing).toEqual([]);
    for (const row of section.matchAll(/^\| `[^`]+` +\|[^|]+\| +(.*?) +\|$/gm))
      expect(row[1], row[0]).toMatch(/`.+`/);
  });
});
