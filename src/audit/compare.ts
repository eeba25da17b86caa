import type { FieldMapping } from "./mapping.ts";

/** A field whose mapping cannot change in an existing index: only a new index can take it. */
export interface MappingConflict {
  readonly field: string;
  readonly live: string;
  readonly expected: string;
}

export interface MappingComparison {
  readonly conflicts: readonly MappingConflict[];
  /** Fields the live mapping lacks: a put-mapping adds them in place. */
  readonly missing: readonly string[];
  /** Live fields no schema has any more: harmless, old documents may still hold them. */
  readonly extra: readonly string[];
}

type Properties = Readonly<Record<string, FieldMapping>>;

/** A field's shape in words: its type and what Elasticsearch will not change in place. */
function describe(field: FieldMapping): string {
  const type = field.type ?? "object";
  if (field.enabled === false) return `${type} (not indexed)`;
  return field.format ? `${type} (format ${field.format})` : type;
}

const isObject = (field: FieldMapping): boolean =>
  (field.type === undefined || field.type === "object") && field.enabled !== false;

/**
 * Compares the expected properties with the live ones, field by field: what conflicts (type,
 * object to scalar, indexed or not), what is missing and can be added, what is left over.
 */
export function compareMappings(
  expected: Properties,
  live: Properties | undefined,
  prefix = "",
): MappingComparison {
  const conflicts: MappingConflict[] = [];
  const missing: string[] = [];
  const extra: string[] = [];
  const liveProps = live ?? {};
  for (const [name, want] of Object.entries(expected)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const have = liveProps[name];
    if (!have) {
      missing.push(path);
      continue;
    }
    if (isObject(want) && isObject(have)) {
      const inner = compareMappings(want.properties ?? {}, have.properties, path);
      conflicts.push(...inner.conflicts);
      missing.push(...inner.missing);
      extra.push(...inner.extra);
    } else if (describe(want) !== describe(have)) {
      conflicts.push({ field: path, live: describe(have), expected: describe(want) });
    }
  }
  for (const name of Object.keys(liveProps))
    if (!(name in expected)) extra.push(prefix ? `${prefix}.${name}` : name);
  return { conflicts, missing, extra };
}

/**
 * What Elasticsearch does with an entry whose field has the defined shape while the index maps it
 * the live way. The audit indices set ignore_malformed, so a scalar of another type is kept,
 * unindexed; an object where the mapping has a scalar, or a scalar where it has an object, is
 * rejected: the entry is not written at all.
 */
export type ConflictEffect = "rejected" | "not indexed";

export function conflictEffect(conflict: MappingConflict): ConflictEffect {
  const shape = (described: string): "object" | "any" | "scalar" =>
    described === "object" ? "object" : described.endsWith("(not indexed)") ? "any" : "scalar";
  const live = shape(conflict.live);
  const expected = shape(conflict.expected);
  return live !== expected && live !== "any" && expected !== "any" ? "rejected" : "not indexed";
}

/** One conflict in words: "request.product is object, defined keyword: entries rejected". */
export const describeConflict = (c: MappingConflict): string =>
  `${c.field} is ${c.live}, defined ${c.expected}: entries ${conflictEffect(c)}`;

export const matches = (c: MappingComparison): boolean => c.conflicts.length === 0 && c.missing.length === 0;
