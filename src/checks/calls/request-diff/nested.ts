// What a schema nests: array items, object fields (and whether they are required), and the
// schema unknown fields must match. Each pair of nested schemas is handed back to the walk.
import { compareText, isObject, isString } from "./json.ts";
import { child, escapeToken, type Schema } from "./locations.ts";
import { at, report, type Diff, type Pair } from "./findings.ts";
import { compareUnanalysedKeyword } from "./unanalysed.ts";

export function compareItems(diff: Diff, pair: Pair): void {
  const before = pair.before.schema.items;
  const after = pair.after.schema.items;
  // The tuple form (draft 4 to 2019-09) is compared as raw JSON, like the other unanalysed keywords.
  if (Array.isArray(before) || Array.isArray(after)) {
    compareUnanalysedKeyword(diff, pair, "items");
    return;
  }
  diff.descend(child(pair.before, "items", before), child(pair.after, "items", after), `${pair.field}[]`);
}

interface FieldSchema {
  readonly value: unknown;
  readonly required: boolean;
}

export function compareProperties(diff: Diff, pair: Pair): void {
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
      diff.descend(oldLocation, newLocation, field);
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

export function compareAdditionalProperties(diff: Diff, pair: Pair): void {
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
    diff.descend(child(pair.before, key, before), child(pair.after, key, after), field);
  }
}
