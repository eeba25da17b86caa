// `type` (and OpenAPI's `nullable`): which kinds of value a schema accepts.
import { isString } from "./json.ts";
import type { Schema } from "./locations.ts";
import { at, report, type Diff, type Pair } from "./findings.ts";

export function compareTypes(diff: Diff, pair: Pair): void {
  const before = typesOf(pair.before.schema);
  const after = typesOf(pair.after.schema);
  if (before === undefined || after === undefined) {
    // One side has no `type`, i.e. accepts any value: dropping it widens, adding it narrows.
    if (before === after) return;
    const detail = `type changed from ${formatTypes(before)} to ${formatTypes(after)}`;
    report(diff, at(pair, "type-changed", after === undefined ? "compatible" : "breaking", detail));
    return;
  }
  if (before.has("null") && !after.has("null")) {
    report(diff, at(pair, "nullable-removed", "breaking", "no longer accepts null"));
  }
  if (!before.has("null") && after.has("null")) {
    report(diff, at(pair, "nullable-added", "compatible", "now accepts null"));
  }
  const oldTypes = [...before].filter((t) => t !== "null");
  const newTypes = [...after].filter((t) => t !== "null");
  if (oldTypes.length === newTypes.length && oldTypes.every((t) => after.has(t))) return;
  const narrowed = oldTypes.some((t) => !acceptsType(after, t));
  const detail = `type changed from ${formatTypes(before)} to ${formatTypes(after)}`;
  report(diff, at(pair, "type-changed", narrowed ? "breaking" : "compatible", detail));
}

/** The accepted types, with OpenAPI's `nullable: true` as "null"; undefined means any type. */
function typesOf(schema: Schema): ReadonlySet<string> | undefined {
  const { type } = schema;
  const list = typeof type === "string" ? [type] : Array.isArray(type) ? type.filter(isString) : undefined;
  if (list === undefined) return undefined;
  const types = new Set(list);
  if (schema.nullable === true) types.add("null");
  return types;
}

/** Every integer is a number, so a number accepts what an integer accepted. */
function acceptsType(types: ReadonlySet<string> | undefined, type: string): boolean {
  return types === undefined || types.has(type) || (type === "integer" && types.has("number"));
}

export function bothAccept(pair: Pair, type: "string" | "number" | "array" | "object"): boolean {
  // Numeric rules apply to integers too.
  const accepts = (schema: Schema): boolean =>
    type === "number" ? acceptsType(typesOf(schema), "integer") : acceptsType(typesOf(schema), type);
  return accepts(pair.before.schema) && accepts(pair.after.schema);
}

function formatTypes(types: ReadonlySet<string> | undefined): string {
  return types === undefined ? "any" : [...types].join(" or ") || "nothing";
}
