/**
 * Generates docs/reference/definitions.md, the field reference of the definitions, from their
 * zod schema (src/definitions/schema/): every field's path, type, whether it is required, its
 * default, description and example, the last three from the field's `.meta()`.
 * `npm run docs:reference`; test/docs/reference.test.ts fails when the committed page differs.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import type { z } from "zod";
import { environmentSchema } from "../src/definitions/schema/environment.ts";
import { projectSchema } from "../src/definitions/schema/project.ts";
import { serviceSchema } from "../src/definitions/schema/service.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
export const referenceFile = `${root}docs/reference/definitions.md`;
export const referenceCommand = "npm run docs:reference";

/** What a field's `.meta()` says about it; `type` overrides the type read from the schema. */
interface FieldMeta {
  readonly description?: string;
  readonly default?: string;
  readonly example?: string;
  readonly type?: string;
}

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly format?: string } } }[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const metaOf = (s: z.ZodType): FieldMeta => (s.meta() ?? {}) as FieldMeta;

const wrappers = new Set(["optional", "nullable", "default", "readonly", "nonoptional", "catch"]);

/** The schema under optional() and the like, with the meta met on the way (the outer wins). */
function unwrap(s: z.ZodType): { core: z.ZodType; meta: FieldMeta; optional: boolean } {
  let core = s;
  let meta: FieldMeta = metaOf(s);
  let optional = false;
  for (let d = defOf(core); wrappers.has(d.type) && d.innerType; d = defOf(core)) {
    if (d.type === "optional" || d.type === "default") optional = true;
    core = d.innerType;
    meta = { ...metaOf(core), ...meta };
  }
  return { core, meta, optional };
}

/** A field's type in words: `integer`, `list of string`, `one of "a", "b"`, ... */
function typeText(s: z.ZodType): string {
  const { core, meta } = unwrap(s);
  if (meta.type) return meta.type;
  const d = defOf(core);
  switch (d.type) {
    case "string":
      return d.format === "url" ? "URL" : d.format === "email" ? "e-mail address" : "string";
    case "number":
      return (d.checks ?? []).some((c) => /int/.test(c._zod.def.format ?? "")) ? "integer" : "number";
    case "boolean":
      return "boolean";
    case "enum":
      return `one of ${Object.values(d.entries ?? {})
        .map((v) => `\`${JSON.stringify(v)}\``)
        .join(", ")}`;
    case "literal":
      return (d.values ?? []).map((v) => `\`${JSON.stringify(v)}\``).join(", ");
    case "array":
      return d.element ? `list of ${typeText(d.element)}` : "list";
    case "record":
      return d.valueType ? `map of ${typeText(d.valueType)}` : "map";
    case "object":
      return "object";
    case "union":
      return [...new Set((d.options ?? []).map(typeText))].join(" or ");
    case "pipe":
      return d.in ? typeText(d.in) : "any";
    case "lazy":
      return "JSON value";
    default:
      return "any";
  }
}

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
  example: string;
  /** Its fields are those of an earlier row, documented there once. */
  sameAs?: string;
}

/**
 * Every field of a schema, in the schema's order, as `validate`'s messages write a path:
 * `<name>` for a key you choose, `[]` an item of a list. An object met again (the same schema,
 * such as `readiness` after `liveness`) is documented once and named after.
 */
export function fieldRows(schema: z.ZodType): FieldRow[] {
  const rows = new Map<string, FieldRow>();
  const seen = new Map<z.ZodType, string>();
  const add = (path: string, field: z.ZodType): void => {
    const { meta, optional } = unwrap(field);
    const type = typeText(field);
    const row = rows.get(path);
    if (!row) {
      rows.set(path, {
        path,
        type,
        required: !optional,
        default: meta.default ?? "",
        description: meta.description ?? "",
        example: meta.example ?? "",
      });
      return;
    }
    // The same path in another option of a union (a destination's `url`): one row says both.
    if (!row.type.split(" or ").includes(type)) row.type = `${row.type} or ${type}`;
    if (meta.description && !row.description.split("; ").includes(meta.description))
      row.description = row.description ? `${row.description}; ${meta.description}` : meta.description;
    row.default ||= meta.default ?? "";
    row.example ||= meta.example ?? "";
  };
  const children = (s: z.ZodType, prefix: string, owner: string): void => {
    const { core } = unwrap(s);
    const d = defOf(core);
    if (d.type === "array" && d.element) children(d.element, `${prefix}[]`, owner);
    else if (d.type === "record" && d.valueType) children(d.valueType, `${prefix}.<name>`, owner);
    else if (d.type === "union") for (const option of d.options ?? []) children(option, prefix, owner);
    else if (d.type === "pipe" && d.in) children(d.in, prefix, owner);
    else if (d.type === "intersection") {
      if (d.left) children(d.left, prefix, owner);
      if (d.right) children(d.right, prefix, owner);
    } else if (d.type === "object") {
      // Named by the field that holds it, as `pod.sidecars` names `pod.initContainers`.
      const earlier = seen.get(core);
      const row = rows.get(owner);
      if (earlier !== undefined && earlier !== owner) {
        if (row) row.sameAs = earlier;
        return;
      }
      seen.set(core, owner);
      for (const [key, field] of Object.entries(d.shape ?? {})) {
        const path = prefix ? `${prefix}.${key}` : key;
        add(path, field);
        children(field, path, path);
      }
    }
  };
  children(schema, "", "");
  return [...rows.values()];
}

const kinds = [
  ["The project", "`defineProject` in `slipway.config.ts`", projectSchema],
  ["An environment", "`defineEnvironment`", environmentSchema],
  ["A service", "`defineService` in `services/<name>/service.ts`", serviceSchema],
] as const;

/** A table cell: one line, and a `|` that does not end the cell. */
const cell = (text: string): string => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
const code = (text: string): string => (text ? `\`${text}\`` : "");

/** Fields whose meta lacks a description or an example: the page would be missing them. */
export function undocumentedFields(): string[] {
  return kinds.flatMap(([title, , schema]) =>
    fieldRows(schema)
      .filter((r) => !r.description || !r.example)
      .map((r) => `${title}: ${r.path}`),
  );
}

/** The page as the committed file holds it: formatted as `prettier --check` wants it. */
export async function generateReference(): Promise<string> {
  const lines = [
    "<!-- Generated from src/definitions/schema/ by `npm run docs:reference`: edit the schema's .meta(), not this page. -->",
    "",
    "# Definitions: field reference",
    "",
    "Every field a definition takes, with an example of each. A path reads as in `validate`'s",
    "messages: `<name>` is a key you choose, `[]` an item of a list. Any service field may also be",
    "a function of the environment, `(env, params) => value` (see",
    "[Service definitions](../guides/definitions.md)). Unknown keys are refused. The guides explain",
    "the fields at length: [deploy windows](../guides/windows.md), [promotion](../guides/promotion.md),",
    "[migrations](../guides/migrations.md), [calls and the audit index](../guides/calls-and-audit.md),",
    "[notifications](../guides/notifications.md).",
    "",
    "This page is generated from the definitions' schema (`src/definitions/schema/`, one module per document, each field's",
    "`.meta()`) by `npm run docs:reference`; `test/docs/reference.test.ts` fails when it is stale.",
  ];
  for (const [title, where, schema] of kinds) {
    lines.push("", `## ${title}`, "", `Written with ${where}.`, "");
    lines.push("| field | type | required | default | what it is | example |");
    lines.push("| ----- | ---- | -------- | ------- | ---------- | ------- |");
    for (const row of fieldRows(schema)) {
      const what = row.sameAs ? `${row.description}; the same fields as \`${row.sameAs}\`` : row.description;
      lines.push(
        `| ${[code(row.path), row.type, row.required ? "yes" : "", row.default, what, code(row.example)]
          .map(cell)
          .join(" | ")} |`,
      );
    }
  }
  return format(`${lines.join("\n")}\n`, { parser: "markdown", filepath: referenceFile, printWidth: 110 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = undocumentedFields();
  if (missing.length > 0) {
    console.error(`fields without a description or an example in their .meta():\n  ${missing.join("\n  ")}`);
    process.exit(1);
  }
  writeFileSync(referenceFile, await generateReference());
  console.log(`wrote ${referenceFile}`);
}
