// What the comparison finds: each change with its kind, severity, place and message.
import type { Located, Resolved } from "./locations.ts";
import { compareText, formatValue } from "./json.ts";

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

/** The two versions of one schema location, and the request field they describe. */
export interface Pair {
  readonly before: Resolved;
  readonly after: Resolved;
  readonly field: string;
}

export interface Diff {
  readonly changes: RequestChange[];
  /** Location pairs already compared: stops `$ref` cycles and repeated definitions. */
  readonly seen: Set<string>;
  /** Compares two nested schemas (items, a field, additionalProperties) as the walk does. */
  readonly descend: (before: Located, after: Located, field: string) => void;
}

export interface Finding {
  readonly kind: string;
  readonly severity: Severity;
  readonly pointer: string;
  readonly field: string;
  /** The message without the field, e.g. "type changed from integer to string". */
  readonly detail: string;
}

/** A finding about the pair's own location in the new document. */
export function at(pair: Pair, kind: string, severity: Severity, detail: string): Finding {
  return { kind, severity, pointer: pair.after.pointer, field: pair.field, detail };
}

export function report(diff: Diff, finding: Finding): void {
  const { detail, ...change } = finding;
  diff.changes.push({ ...change, message: `${finding.field || "request"}: ${detail}` });
}

export function describeChange(keyword: string, before: unknown, after: unknown): string {
  if (before === undefined) return `${keyword} ${formatValue(after)} added`;
  if (after === undefined) return `${keyword} ${formatValue(before)} removed`;
  return `${keyword} changed from ${formatValue(before)} to ${formatValue(after)}`;
}

export function byPointerThenKind(a: RequestChange, b: RequestChange): number {
  return (
    compareText(a.pointer, b.pointer) ||
    compareText(a.kind, b.kind) ||
    compareText(a.field, b.field) ||
    compareText(a.message, b.message)
  );
}
