// The field reference (docs/reference/definitions.md) is generated from the definitions' schema
// by `npm run docs:reference`: this fails when the committed page is not what the generator
// writes today, and walks the schema on its own to be sure the page names every field.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { environmentSchema } from "../../src/definitions/schema/environment.ts";
import { projectSchema } from "../../src/definitions/schema/project.ts";
import { serviceSchema } from "../../src/definitions/schema/service.ts";
import {
  generateReference,
  referenceCommand,
  referenceFile,
  undocumentedFields,
} from "../../scripts/docs-reference.ts";
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

const page = readFileSync(referenceFile, "utf8");

/** One kind's table: its rows' paths, and the rows that name another's fields ("the same fields as"). */
function table(title: string): { paths: Set<string>; sameAs: Map<string, string> } {
  const start = page.indexOf(`\n## ${title}\n`);
  const end = page.indexOf("\n## ", start + 1);
  const section = page.slice(start, end === -1 ? undefined : end);
  const paths = new Set<string>();
  const sameAs = new Map<string, string>();
  for (const row of section.matchAll(/^\| `([^`]+)` +\|(.*)$/gm)) {
    const [, path = "", rest = ""] = row;
    paths.add(path);
    const same = /the same fields as `([^`]+)`/.exec(rest);
    if (same?.[1]) sameAs.set(path, same[1]);
  }
  return { paths, sameAs };
}

describe("the field reference, docs/reference/definitions.md", () => {
  it("is what the generator writes from the schema today", async () => {
    const generated = await generateReference();
    expect(
      page === generated,
      `${relative(repoRoot, referenceFile)} is stale: run \`${referenceCommand}\` and commit the page`,
    ).toBe(true);
  });

  it("gives every field a description and an example (the schema's .meta())", () => {
    expect(undocumentedFields()).toEqual([]);
  });

  it.each([
    ["The project", projectSchema],
    ["An environment", environmentSchema],
    ["A service", serviceSchema],
  ] as const)("names every field of %s, or the field whose fields it shares", (title, schema) => {
    const { paths, sameAs } = table(title);
    expect(paths.size).toBeGreaterThan(0);
    const documented = (path: string): boolean =>
      paths.has(path) ||
      [...sameAs].some(([from, to]) =>
        path.startsWith(`${from}.`) || path.startsWith(`${from}[]`)
          ? documented(to + path.slice(from.length))
          : false,
      );
    expect([...fieldPaths(schema)].filter((p) => !documented(p))).toEqual([]);
  });
});
