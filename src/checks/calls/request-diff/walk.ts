// Walking the two schemas side by side: each location pair is compared once, by every rule.
import type { JsonSchema } from "../../../definitions/model.ts";
import { compareAllowedValues } from "./allowed-values.ts";
import { byPointerThenKind, report, type Diff, type Pair, type RequestChange } from "./findings.ts";
import { canonical } from "./json.ts";
import { asSchema, resolve, type Located } from "./locations.ts";
import { compareAdditionalProperties, compareItems, compareProperties } from "./nested.ts";
import { compareUnanalysed } from "./unanalysed.ts";
import {
  arrayBounds,
  compareBounds,
  compareMultipleOf,
  compareTextRule,
  compareUniqueItems,
  numberBounds,
  objectBounds,
  stringBounds,
} from "./value-constraints.ts";
import { bothAccept, compareTypes } from "./value-types.ts";

/** Every change between two request schemas, sorted by where it is. */
export function diffSchemas(oldSchema: JsonSchema, newSchema: JsonSchema): RequestChange[] {
  const diff: Diff = {
    changes: [],
    seen: new Set(),
    descend: (before, after, field) => compareLocations(diff, before, after, field),
  };
  compareLocations(
    diff,
    { doc: oldSchema, value: oldSchema, pointer: "" },
    { doc: newSchema, value: newSchema, pointer: "" },
    "",
  );
  return diff.changes.sort(byPointerThenKind);
}

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
