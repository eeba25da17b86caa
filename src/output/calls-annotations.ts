import type { CallsDiff } from "../checks/calls/request-diff.ts";
import { uniqueRules, type Annotation, type RuleDescription } from "./annotations.ts";
import { pointerPosition } from "./json-location.ts";

/** Where a call's request schema is written: its JSON file (with its text), or the service's definition. */
export interface CallSource {
  readonly file: string;
  /** The JSON text, to place each change on its field's line; absent for an inline schema. */
  readonly json?: string;
}

/**
 * A calls diff as annotations: a breaking change is an error, a compatible one a note, each on
 * the line of its field in the new schema (or of its nearest ancestor there, for a removed one).
 */
export function callsAnnotations(diff: CallsDiff, sourceOf: (call: string) => CallSource): Annotation[] {
  const at = (call: string, pointer: string): Pick<Annotation, "file" | "line" | "column"> => {
    const source = sourceOf(call);
    const place = source.json !== undefined ? pointerPosition(source.json, pointer) : { line: 1, column: 1 };
    return { file: source.file, ...place };
  };
  return [
    ...diff.removed.map((call) => ({
      rule: "call-removed",
      level: "error" as const,
      ...at(call, ""),
      message: `${call}: removed, and clients still call it`,
      hint: "keep the call until no client calls it, then remove it",
    })),
    ...diff.added.map((call) => ({
      rule: "call-added",
      level: "note" as const,
      ...at(call, ""),
      message: `${call}: new call (compatible)`,
    })),
    ...diff.changed.flatMap(({ call, changes }) =>
      changes.map((c) => ({
        rule: c.kind,
        level: c.severity === "breaking" ? ("error" as const) : ("note" as const),
        ...at(call, c.pointer),
        message: `${call}: ${c.message} (${c.severity}, at ${c.pointer || "/"})`,
      })),
    ),
  ];
}

export function callRules(annotations: readonly Annotation[]): RuleDescription[] {
  return uniqueRules(annotations).map((id) => ({
    id,
    description: `request-schema change: ${id.replace(/-/g, " ")}`,
  }));
}
