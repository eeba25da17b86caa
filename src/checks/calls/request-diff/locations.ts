// Where a schema sits in its document, and following local `$ref`s to it.
import type { JsonSchema } from "../../../definitions/model.ts";
import { isObject } from "./json.ts";

export type Schema = Readonly<Record<string, unknown>>;

/** A schema value as found in its document, before `$ref` resolution. */
export interface Located {
  readonly doc: JsonSchema;
  readonly value: unknown;
  readonly pointer: string;
}

/** A schema object after `$ref` resolution; pointer is where it really sits in its document. */
export interface Resolved {
  readonly doc: JsonSchema;
  readonly schema: Schema;
  readonly pointer: string;
}

export function child(parent: Resolved, path: string, value: unknown): Located {
  return { doc: parent.doc, value, pointer: `${parent.pointer}/${path}` };
}

/** Follows local `$ref`s to the schema they name; undefined when one is external, missing or circular. */
export function resolve(location: Located): Resolved | undefined {
  const followed = new Set<string>();
  let current = location;
  for (;;) {
    const schema = asSchema(current.value);
    const ref = schema.$ref;
    if (typeof ref !== "string") return { doc: current.doc, schema, pointer: current.pointer };
    if (!ref.startsWith("#") || followed.has(ref)) return undefined;
    followed.add(ref);
    const pointer = decodeFragment(ref.slice(1));
    const target = pointer === undefined ? undefined : lookup(current.doc, pointer);
    if (pointer === undefined || target === undefined) return undefined;
    current = { doc: current.doc, value: target, pointer };
  }
}

/** Boolean schemas: true accepts anything (like {}), false accepts nothing (like {not: {}}). */
export function asSchema(value: unknown): Schema {
  if (value === false) return { not: {} };
  return isObject(value) ? value : {};
}

function lookup(doc: JsonSchema, pointer: string): unknown {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined; // plain-name anchors (#foo) are not supported
  let value: unknown = doc;
  for (const token of pointer.slice(1).split("/").map(unescapeToken)) {
    if (Array.isArray(value) && /^\d+$/.test(token)) value = value[Number(token)];
    else if (isObject(value) && Object.hasOwn(value, token)) value = value[token];
    else return undefined;
  }
  return value;
}

/** A `$ref` fragment is URI-encoded (#/$defs/a%20b). */
function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

export const escapeToken = (name: string): string => name.replaceAll("~", "~0").replaceAll("/", "~1");

const unescapeToken = (token: string): string => token.replaceAll("~1", "/").replaceAll("~0", "~");
