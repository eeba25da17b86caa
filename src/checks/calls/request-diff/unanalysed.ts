// Keywords whose effect is not analysed: compared as raw JSON.
import { canonical } from "./json.ts";
import { at, report, type Diff, type Pair } from "./findings.ts";

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

export function compareUnanalysed(diff: Diff, pair: Pair): void {
  for (const keyword of unanalysedKeywords) compareUnanalysedKeyword(diff, pair, keyword);
}

/** Every schema keyword only adds a constraint, so removing one is compatible; adding or changing one may not be. */
export function compareUnanalysedKeyword(diff: Diff, pair: Pair, keyword: string): void {
  const before = pair.before.schema[keyword];
  const after = pair.after.schema[keyword];
  if (canonical(before) === canonical(after)) return;
  const direction = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  const severity = after === undefined ? "compatible" : "breaking";
  const detail = `${keyword} ${direction} (not analysed${severity === "breaking" ? ", assumed breaking" : ""})`;
  report(diff, at(pair, `unanalysed-keyword-${direction}`, severity, detail));
}
