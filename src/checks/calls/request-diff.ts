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
 *
 * The parts, under request-diff/: walk.ts walks the two schemas side by side; locations.ts
 * follows `$ref`s; value-types.ts, allowed-values.ts, value-constraints.ts, nested.ts and
 * unanalysed.ts are the comparison rules; findings.ts is what they report.
 */
import type { CallContract, JsonSchema } from "../../definitions/model.ts";
import type { RequestChange } from "./request-diff/findings.ts";
import { compareText } from "./request-diff/json.ts";
import { diffSchemas } from "./request-diff/walk.ts";

export type { RequestChange, Severity } from "./request-diff/findings.ts";

export interface CallsDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { readonly call: string; readonly changes: RequestChange[] }[];
}

export function diffRequestSchemas(oldSchema: JsonSchema, newSchema: JsonSchema): RequestChange[] {
  return diffSchemas(oldSchema, newSchema);
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
