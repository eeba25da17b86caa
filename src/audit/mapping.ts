import type { JsonSchema } from "../definitions/model.ts";
import { envelopeProperties, requestField } from "./convention.ts";

/** One field of an index mapping, as Elasticsearch and OpenSearch return it. */
export interface FieldMapping {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, FieldMapping>>;
  readonly enabled?: boolean;
  readonly format?: string;
}

export interface IndexMapping {
  readonly dynamic: "false";
  readonly properties: Readonly<Record<string, FieldMapping>>;
}

/** An object whose shape the schema does not pin down: kept in _source, never indexed. */
const opaque: FieldMapping = { type: "object", enabled: false };

/**
 * The audit index mapping of a call: the envelope, and the request mapped from its JSON Schema.
 * Dynamic mapping is off, so a writer sending a field the schema lacks cannot change the mapping
 * behind Slipway's back: the field stays in _source.
 */
export function auditMapping(request: JsonSchema): IndexMapping {
  return {
    dynamic: "false",
    properties: { ...envelopeProperties, [requestField]: fieldMapping(request, request, new Set()) },
  };
}

function fieldMapping(schema: JsonSchema, root: JsonSchema, seen: Set<string>): FieldMapping {
  const ref = schema.$ref;
  if (typeof ref === "string") {
    if (seen.has(ref)) return opaque; // a recursive type cannot be mapped to a finite mapping
    const target = resolvePointer(root, ref);
    return target ? fieldMapping(target, root, new Set([...seen, ref])) : opaque;
  }
  for (const key of ["allOf"] as const) {
    const parts = schema[key];
    if (Array.isArray(parts) && parts.length === 1) return fieldMapping(parts[0] as JsonSchema, root, seen);
  }
  const types = typesOf(schema);
  if (types.length !== 1) return opaque; // unions (other than with null) have no single field type
  switch (types[0]) {
    case "string":
      return schema.format === "date-time" || schema.format === "date"
        ? { type: "date" }
        : { type: "keyword" };
    case "integer":
      return { type: "long" };
    case "number":
      return { type: "double" };
    case "boolean":
      return { type: "boolean" };
    case "array": {
      // Elasticsearch has no array type: a field holds one value or many of the items' type.
      const items = schema.items;
      return items && typeof items === "object" && !Array.isArray(items)
        ? fieldMapping(items as JsonSchema, root, seen)
        : opaque;
    }
    case "object": {
      const properties = schema.properties;
      if (!properties || typeof properties !== "object" || Object.keys(properties).length === 0)
        return opaque;
      return {
        properties: Object.fromEntries(
          Object.entries(properties as Record<string, JsonSchema>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, sub]) => [name, fieldMapping(sub, root, seen)]),
        ),
      };
    }
    default:
      return opaque;
  }
}

/** The schema's types without null (a nullable field maps like its non-null type). */
function typesOf(schema: JsonSchema): string[] {
  const declared = schema.type;
  let types: unknown[] = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
  if (types.length === 0) {
    if (schema.properties) types = ["object"];
    else if (schema.items) types = ["array"];
    else if (Array.isArray(schema.enum) && schema.enum.length)
      types = [...new Set(schema.enum.map((v) => (Number.isInteger(v) ? "integer" : typeof v)))];
    else if (schema.const !== undefined) types = [typeof schema.const];
  }
  return types.filter((t): t is string => typeof t === "string" && t !== "null");
}

function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#/")) return undefined; // only local references: definitions are self-contained
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node && typeof node === "object" ? (node as JsonSchema) : undefined;
}
