/**
 * Compares two JSON Schemas of a call's request and classifies every change, the way oasdiff,
 * buf breaking and GraphQL Inspector do for request bodies.
 *
 * A request is what clients send, so the rule is one-sided: a change is compatible when the new
 * schema accepts every request the old schema accepted (old clients keep working), and breaking
 * when it rejects some of them. Widening is compatible, narrowing is breaking.
 *
 * Deliberate simplifications, each erring on the side of "breaking":
 * - a removed field is breaking, even when the new schema still lets unknown fields through:
 *   old clients keep sending it, and the server and the audit index lose it;
 * - keywords that are not analysed (anyOf, oneOf, allOf, not, if/then/else, patternProperties,
 *   tuple `items`, ...) are compared as raw JSON: added or changed is breaking, removed is compatible;
 * - only local `$ref`s (`#/...`) are resolved; siblings of `$ref` are ignored (draft 7, OpenAPI 3.0);
 *   a `$ref` that cannot be resolved is breaking unless it is identical on both sides;
 * - a schema location reached twice (a definition used by several fields) is compared once, and
 *   its changes name the first field that led there.
 */
import type { CallContract, JsonSchema } from "../../definitions/model.ts";

export type Severity = "breaking" | "compatible";

export interface RequestChange {
  /** Stable id, e.g. field-removed, type-changed, max-length-decreased. */
  readonly kind: string;
  readonly severity: Severity;
  /** JSON pointer of the field in the new schema document, or in the old one when the field was removed. */
  readonly pointer: string;
  /** Dotted field path in the request: "owner.id", "tags[]" for array items, "labels.*" for additional properties; "" for the request itself. */
  readonly field: string;
  /** One human line, e.g. "size: type changed from integer to string". */
  readonly message: string;
}

export interface CallsDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { readonly call: string; readonly changes: RequestChange[] }[];
}

type Schema = Readonly<Record<string, unknown>>;

/** A schema value as found in its document, before `$ref` resolution. */
interface Located {
  readonly doc: JsonSchema;
  readonly value: unknown;
  readonly pointer: string;
}

/** A schema object after `$ref` resolution; pointer is where it really sits in its document. */
interface Resolved {
  readonly doc: JsonSchema;
  readonly schema: Schema;
  readonly pointer: string;
}

/** The two versions of one schema location, and the request field they describe. */
interface Pair {
  readonly before: Resolved;
  readonly after: Resolved;
  readonly field: string;
}

interface Diff {
  readonly changes: RequestChange[];
  /** Location pairs already compared: stops `$ref` cycles and repeated definitions. */
  readonly seen: Set<string>;
}

export function diffRequestSchemas(oldSchema: JsonSchema, newSchema: JsonSchema): RequestChange[] {
  const diff: Diff = { changes: [], seen: new Set() };
  compareLocations(
    diff,
    { doc: oldSchema, value: oldSchema, pointer: "" },
    { doc: newSchema, value: newSchema, pointer: "" },
    "",
  );
  return diff.changes.sort(byPointerThenKind);
}

export function diffCalls(oldCalls: readonly CallContract[], newCalls: readonly CallContract[]): CallsDiff {
  const before = new Map(oldCalls.map((c) => [c.name, c]));
  const after = new Map(newCalls.map((c) => [c.name, c]));
  const added = [...after.keys()].filter((name) => !before.has(name)).sort(compareText);
  const removed = [...before.keys()].filter((name) => !after.has(name)).sort(compareText);
  const changed = [...after.keys()].sort(compareText).flatMap((call) => {
    const old = before.get(call);
    const current = after.get(call);
    if (old === undefined || current === undefined) return [];
    const changes = diffRequestSchemas(old.request, current.request);
    return changes.length > 0 ? [{ call, changes }] : [];
  });
  return { added, removed, changed };
}

/** A removed call breaks the clients that still call it; an added call breaks nobody. */
export function hasBreaking(diff: CallsDiff): boolean {
  return (
    diff.removed.length > 0 ||
    diff.changed.some((c) => c.changes.some((change) => change.severity === "breaking"))
  );
}

// ---------------------------------------------------------------------------------------------
// Walking the two schemas

function compareLocations(diff: Diff, before: Located, after: Located, field: string): void {
  const oldNode = resolve(before);
  const newNode = resolve(after);
  if (oldNode === undefined || newNode === undefined) {
    compareUnresolved(diff, before, after, field);
    return;
  }
  // Absent `items` or `additionalProperties` stand for {}: two of them hold nothing to compare,
  // and walking on into their (equally absent) children would never end.
  if (Object.keys(oldNode.schema).length === 0 && Object.keys(newNode.schema).length === 0) return;
  const key = JSON.stringify([oldNode.pointer, newNode.pointer]);
  if (diff.seen.has(key)) return;
  diff.seen.add(key);

  const pair: Pair = { before: oldNode, after: newNode, field };
  compareTypes(diff, pair);
  compareAllowedValues(diff, pair);
  compareTextRule(diff, pair, "format");
  compareUnanalysed(diff, pair);
  // Length, range and item rules only constrain values of their own type: when one side no
  // longer accepts that type, type-changed already says so and the rules are moot.
  if (bothAccept(pair, "string")) {
    compareBounds(diff, pair, stringBounds);
    compareTextRule(diff, pair, "pattern");
  }
  if (bothAccept(pair, "number")) {
    compareBounds(diff, pair, numberBounds);
    compareMultipleOf(diff, pair);
  }
  if (bothAccept(pair, "array")) {
    compareBounds(diff, pair, arrayBounds);
    compareUniqueItems(diff, pair);
    compareItems(diff, pair);
  }
  if (bothAccept(pair, "object")) {
    compareBounds(diff, pair, objectBounds);
    compareProperties(diff, pair);
    compareAdditionalProperties(diff, pair);
  }
}

/** Without its target a `$ref` cannot be compared: only an identical reference is known to be safe. */
function compareUnresolved(diff: Diff, before: Located, after: Located, field: string): void {
  if (canonical(before.value) === canonical(after.value)) return;
  const ref = [before, after].map((l) => asSchema(l.value).$ref).find((r) => typeof r === "string");
  report(diff, {
    kind: "unresolved-ref",
    severity: "breaking",
    pointer: after.pointer,
    field,
    detail: `cannot resolve $ref ${String(ref)}, so the change cannot be checked`,
  });
}

// ---------------------------------------------------------------------------------------------
// Types

function compareTypes(diff: Diff, pair: Pair): void {
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

function bothAccept(pair: Pair, type: "string" | "number" | "array" | "object"): boolean {
  // Numeric rules apply to integers too.
  const accepts = (schema: Schema): boolean =>
    type === "number" ? acceptsType(typesOf(schema), "integer") : acceptsType(typesOf(schema), type);
  return accepts(pair.before.schema) && accepts(pair.after.schema);
}

function formatTypes(types: ReadonlySet<string> | undefined): string {
  return types === undefined ? "any" : [...types].join(" or ") || "nothing";
}

// ---------------------------------------------------------------------------------------------
// Values: enum and const

function compareAllowedValues(diff: Diff, pair: Pair): void {
  const before = allowedValues(pair.before.schema);
  const after = allowedValues(pair.after.schema);
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    const detail = `now limited to ${(after ?? []).map(formatValue).join(", ")}`;
    report(diff, at(pair, "enum-added", "breaking", detail));
    return;
  }
  if (after === undefined) {
    report(diff, at(pair, "enum-removed", "compatible", "no longer limited to fixed values"));
    return;
  }
  const oldKeys = new Set(before.map(canonical));
  const newKeys = new Set(after.map(canonical));
  for (const value of before.filter((v) => !newKeys.has(canonical(v)))) {
    report(diff, at(pair, "enum-value-removed", "breaking", `value ${formatValue(value)} removed`));
  }
  for (const value of after.filter((v) => !oldKeys.has(canonical(v)))) {
    report(diff, at(pair, "enum-value-added", "compatible", `value ${formatValue(value)} added`));
  }
}

/** `const: x` allows exactly what `enum: [x]` allows, so both are compared as enums. */
function allowedValues(schema: Schema): readonly unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (Object.hasOwn(schema, "const")) return [schema.const];
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules on strings, numbers and arrays

interface Bound {
  readonly keyword: string;
  /** Kind prefix, e.g. max-length. */
  readonly name: string;
  /** An upper bound narrows when it decreases, a lower bound when it increases. */
  readonly limits: "upper" | "lower";
}

const stringBounds: readonly Bound[] = [
  { keyword: "maxLength", name: "max-length", limits: "upper" },
  { keyword: "minLength", name: "min-length", limits: "lower" },
];
const numberBounds: readonly Bound[] = [
  { keyword: "maximum", name: "maximum", limits: "upper" },
  { keyword: "exclusiveMaximum", name: "exclusive-maximum", limits: "upper" },
  { keyword: "minimum", name: "minimum", limits: "lower" },
  { keyword: "exclusiveMinimum", name: "exclusive-minimum", limits: "lower" },
];
const arrayBounds: readonly Bound[] = [
  { keyword: "maxItems", name: "max-items", limits: "upper" },
  { keyword: "minItems", name: "min-items", limits: "lower" },
];
const objectBounds: readonly Bound[] = [
  { keyword: "maxProperties", name: "max-properties", limits: "upper" },
  { keyword: "minProperties", name: "min-properties", limits: "lower" },
];

function compareBounds(diff: Diff, pair: Pair, bounds: readonly Bound[]): void {
  for (const bound of bounds) compareBound(diff, pair, bound);
}

function compareBound(diff: Diff, pair: Pair, bound: Bound): void {
  // Non-numbers (draft 4's boolean exclusiveMaximum) are not bounds themselves.
  const before = numberOrUndefined(pair.before.schema[bound.keyword]);
  const after = numberOrUndefined(pair.after.schema[bound.keyword]);
  if (before === after) return;
  const direction =
    before === undefined
      ? "added"
      : after === undefined
        ? "removed"
        : after < before
          ? "decreased"
          : "increased";
  const narrowed =
    after !== undefined &&
    (before === undefined || (bound.limits === "upper" ? after < before : after > before));
  const detail = describeChange(bound.keyword, before, after);
  report(diff, at(pair, `${bound.name}-${direction}`, narrowed ? "breaking" : "compatible", detail));
}

/** Any new or different pattern or format may reject values that were accepted before. */
function compareTextRule(diff: Diff, pair: Pair, keyword: "pattern" | "format"): void {
  // An empty pattern matches every string: it is no pattern.
  const rule = (schema: Schema): string | undefined => {
    const value = stringOrUndefined(schema[keyword]);
    return keyword === "pattern" && value === "" ? undefined : value;
  };
  const before = rule(pair.before.schema);
  const after = rule(pair.after.schema);
  if (before === after) return;
  const direction = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  const severity = after === undefined ? "compatible" : "breaking";
  report(diff, at(pair, `${keyword}-${direction}`, severity, describeChange(keyword, before, after)));
}

function compareMultipleOf(diff: Diff, pair: Pair): void {
  const before = numberOrUndefined(pair.before.schema.multipleOf);
  const after = numberOrUndefined(pair.after.schema.multipleOf);
  if (before === after) return;
  const direction = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  // A new divisor is still compatible when every old multiple is a multiple of it (6 → 3).
  const widened = after === undefined || (before !== undefined && Number.isInteger(before / after));
  const detail = describeChange("multipleOf", before, after);
  report(diff, at(pair, `multiple-of-${direction}`, widened ? "compatible" : "breaking", detail));
}

function compareUniqueItems(diff: Diff, pair: Pair): void {
  const before = pair.before.schema.uniqueItems === true;
  const after = pair.after.schema.uniqueItems === true;
  if (before === after) return;
  if (after) report(diff, at(pair, "unique-items-added", "breaking", "items must now be unique"));
  else report(diff, at(pair, "unique-items-removed", "compatible", "items no longer need to be unique"));
}

function compareItems(diff: Diff, pair: Pair): void {
  const before = pair.before.schema.items;
  const after = pair.after.schema.items;
  // The tuple form (draft 4 to 2019-09) is compared as raw JSON, like the other unanalysed keywords.
  if (Array.isArray(before) || Array.isArray(after)) {
    compareUnanalysedKeyword(diff, pair, "items");
    return;
  }
  compareLocations(
    diff,
    child(pair.before, "items", before),
    child(pair.after, "items", after),
    `${pair.field}[]`,
  );
}

// ---------------------------------------------------------------------------------------------
// Objects

interface FieldSchema {
  readonly value: unknown;
  readonly required: boolean;
}

function compareProperties(diff: Diff, pair: Pair): void {
  const before = fieldsOf(pair.before.schema);
  const after = fieldsOf(pair.after.schema);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareText);
  for (const name of names) {
    const oldField = before.get(name);
    const newField = after.get(name);
    const field = pair.field === "" ? name : `${pair.field}.${name}`;
    const oldLocation = child(pair.before, `properties/${escapeToken(name)}`, oldField?.value);
    const newLocation = child(pair.after, `properties/${escapeToken(name)}`, newField?.value);
    if (newField === undefined) {
      report(diff, {
        kind: "field-removed",
        severity: "breaking",
        pointer: oldLocation.pointer,
        field,
        detail: "field removed",
      });
    } else if (oldField === undefined) {
      const [kind, severity] = newField.required
        ? (["required-field-added", "breaking"] as const)
        : (["optional-field-added", "compatible"] as const);
      report(diff, {
        kind,
        severity,
        pointer: newLocation.pointer,
        field,
        detail: kind.replaceAll("-", " "),
      });
    } else {
      compareRequired(diff, oldField, newField, newLocation.pointer, field);
      compareLocations(diff, oldLocation, newLocation, field);
    }
  }
}

function compareRequired(
  diff: Diff,
  before: FieldSchema,
  after: FieldSchema,
  pointer: string,
  field: string,
): void {
  if (before.required === after.required) return;
  const [kind, severity, detail] = after.required
    ? (["became-required", "breaking", "is now required"] as const)
    : (["became-optional", "compatible", "is now optional"] as const);
  report(diff, { kind, severity, pointer, field, detail });
}

/** Declared properties and required names; a name only listed in `required` accepts any value. */
function fieldsOf(schema: Schema): Map<string, FieldSchema> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  // "" names no field: loading the schema reports it (schema-problems.ts).
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter(isString).filter((n) => n !== "") : [],
  );
  const fields = new Map<string, FieldSchema>();
  for (const name of [...Object.keys(properties), ...required]) {
    fields.set(name, { value: properties[name], required: required.has(name) });
  }
  return fields;
}

function compareAdditionalProperties(diff: Diff, pair: Pair): void {
  const before = pair.before.schema.additionalProperties;
  const after = pair.after.schema.additionalProperties;
  if (before !== false && after === false) {
    report(
      diff,
      at(pair, "additional-properties-disallowed", "breaking", "no longer accepts unknown fields"),
    );
  } else if (before === false && after !== false) {
    report(diff, at(pair, "additional-properties-allowed", "compatible", "now accepts unknown fields"));
  } else if (before !== false && after !== false) {
    // Both let unknown fields through: compare the schema they must match (absent or true is any).
    const field = pair.field === "" ? "*" : `${pair.field}.*`;
    const key = "additionalProperties";
    compareLocations(diff, child(pair.before, key, before), child(pair.after, key, after), field);
  }
}

// ---------------------------------------------------------------------------------------------
// Keywords compared as raw JSON

/** Keywords whose effect is not analysed; a change to them is assumed to narrow the request. */
const unanalysedKeywords = [
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "propertyNames",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "contains",
  "minContains",
  "maxContains",
  "prefixItems",
  "additionalItems",
  "unevaluatedItems",
  "unevaluatedProperties",
] as const;

function compareUnanalysed(diff: Diff, pair: Pair): void {
  for (const keyword of unanalysedKeywords) compareUnanalysedKeyword(diff, pair, keyword);
}

/** Every schema keyword only adds a constraint, so removing one is compatible; adding or changing one may not be. */
function compareUnanalysedKeyword(diff: Diff, pair: Pair, keyword: string): void {
  const before = pair.before.schema[keyword];
  const after = pair.after.schema[keyword];
  if (canonical(before) === canonical(after)) return;
  const direction = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  const severity = after === undefined ? "compatible" : "breaking";
  const detail = `${keyword} ${direction} (not analysed${severity === "breaking" ? ", assumed breaking" : ""})`;
  report(diff, at(pair, `unanalysed-keyword-${direction}`, severity, detail));
}

// ---------------------------------------------------------------------------------------------
// Locations and `$ref`

function child(parent: Resolved, path: string, value: unknown): Located {
  return { doc: parent.doc, value, pointer: `${parent.pointer}/${path}` };
}

/** Follows local `$ref`s to the schema they name; undefined when one is external, missing or circular. */
function resolve(location: Located): Resolved | undefined {
  const followed = new Set<string>();
  let current = location;
  for (;;) {
    const schema = asSchema(current.value);
    const ref = schema.$ref;
    if (typeof ref !== "string") return { doc: current.doc, schema, pointer: current.pointer };
    if (!ref.startsWith("#") || followed.has(ref)) return undefined;
    followed.add(ref);
    const pointer = decodeFragment(ref.slice(1));
    const target = pointer === undefined ? undefined : lookup(current.doc, pointer);
    if (pointer === undefined || target === undefined) return undefined;
    current = { doc: current.doc, value: target, pointer };
  }
}

/** Boolean schemas: true accepts anything (like {}), false accepts nothing (like {not: {}}). */
function asSchema(value: unknown): Schema {
  if (value === false) return { not: {} };
  return isObject(value) ? value : {};
}

function lookup(doc: JsonSchema, pointer: string): unknown {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined; // plain-name anchors (#foo) are not supported
  let value: unknown = doc;
  for (const token of pointer.slice(1).split("/").map(unescapeToken)) {
    if (Array.isArray(value) && /^\d+$/.test(token)) value = value[Number(token)];
    else if (isObject(value) && Object.hasOwn(value, token)) value = value[token];
    else return undefined;
  }
  return value;
}

/** A `$ref` fragment is URI-encoded (#/$defs/a%20b). */
function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

const escapeToken = (name: string): string => name.replaceAll("~", "~0").replaceAll("/", "~1");
const unescapeToken = (token: string): string => token.replaceAll("~1", "/").replaceAll("~0", "~");

// ---------------------------------------------------------------------------------------------
// Reporting

interface Finding {
  readonly kind: string;
  readonly severity: Severity;
  readonly pointer: string;
  readonly field: string;
  /** The message without the field, e.g. "type changed from integer to string". */
  readonly detail: string;
}

/** A finding about the pair's own location in the new document. */
function at(pair: Pair, kind: string, severity: Severity, detail: string): Finding {
  return { kind, severity, pointer: pair.after.pointer, field: pair.field, detail };
}

function report(diff: Diff, finding: Finding): void {
  const { detail, ...change } = finding;
  diff.changes.push({ ...change, message: `${finding.field || "request"}: ${detail}` });
}

function describeChange(keyword: string, before: unknown, after: unknown): string {
  if (before === undefined) return `${keyword} ${formatValue(after)} added`;
  if (after === undefined) return `${keyword} ${formatValue(before)} removed`;
  return `${keyword} changed from ${formatValue(before)} to ${formatValue(after)}`;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === "string";
const stringOrUndefined = (value: unknown): string | undefined => (isString(value) ? value : undefined);
const numberOrUndefined = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

const formatValue = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** JSON with sorted keys, so that equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort(compareText)
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byPointerThenKind(a: RequestChange, b: RequestChange): number {
  return (
    compareText(a.pointer, b.pointer) ||
    compareText(a.kind, b.kind) ||
    compareText(a.field, b.field) ||
    compareText(a.message, b.message)
  );
}
