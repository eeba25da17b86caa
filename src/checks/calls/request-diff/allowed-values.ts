// `enum` and `const`: the fixed values a schema allows.
import { canonical, formatValue } from "./json.ts";
import type { Schema } from "./locations.ts";
import { at, report, type Diff, type Pair } from "./findings.ts";

export function compareAllowedValues(diff: Diff, pair: Pair): void {
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
