// Rules on one value: lengths, ranges, counts, pattern, format, multipleOf, uniqueItems.
import { numberOrUndefined, stringOrUndefined } from "./json.ts";
import type { Schema } from "./locations.ts";
import { at, describeChange, report, type Diff, type Pair } from "./findings.ts";

interface Bound {
  readonly keyword: string;
  /** Kind prefix, e.g. max-length. */
  readonly name: string;
  /** An upper bound narrows when it decreases, a lower bound when it increases. */
  readonly limits: "upper" | "lower";
}

export const stringBounds: readonly Bound[] = [
  { keyword: "maxLength", name: "max-length", limits: "upper" },
  { keyword: "minLength", name: "min-length", limits: "lower" },
];

export const numberBounds: readonly Bound[] = [
  { keyword: "maximum", name: "maximum", limits: "upper" },
  { keyword: "exclusiveMaximum", name: "exclusive-maximum", limits: "upper" },
  { keyword: "minimum", name: "minimum", limits: "lower" },
  { keyword: "exclusiveMinimum", name: "exclusive-minimum", limits: "lower" },
];

export const arrayBounds: readonly Bound[] = [
  { keyword: "maxItems", name: "max-items", limits: "upper" },
  { keyword: "minItems", name: "min-items", limits: "lower" },
];

export const objectBounds: readonly Bound[] = [
  { keyword: "maxProperties", name: "max-properties", limits: "upper" },
  { keyword: "minProperties", name: "min-properties", limits: "lower" },
];

export function compareBounds(diff: Diff, pair: Pair, bounds: readonly Bound[]): void {
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
export function compareTextRule(diff: Diff, pair: Pair, keyword: "pattern" | "format"): void {
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

export function compareMultipleOf(diff: Diff, pair: Pair): void {
  const before = numberOrUndefined(pair.before.schema.multipleOf);
  const after = numberOrUndefined(pair.after.schema.multipleOf);
  if (before === after) return;
  const direction = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  // A new divisor is still compatible when every old multiple is a multiple of it (6 → 3).
  const widened = after === undefined || (before !== undefined && Number.isInteger(before / after));
  const detail = describeChange("multipleOf", before, after);
  report(diff, at(pair, `multiple-of-${direction}`, widened ? "compatible" : "breaking", detail));
}

export function compareUniqueItems(diff: Diff, pair: Pair): void {
  const before = pair.before.schema.uniqueItems === true;
  const after = pair.after.schema.uniqueItems === true;
  if (before === after) return;
  if (after) report(diff, at(pair, "unique-items-added", "breaking", "items must now be unique"));
  else report(diff, at(pair, "unique-items-removed", "compatible", "items no longer need to be unique"));
}
