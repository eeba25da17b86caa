/**
 * JSON Patch (RFC 6902: add, remove, replace, move, copy, test) and JSON Merge Patch (RFC 7386),
 * on plain JSON values. Hand-written: no JSON Patch library is among the dependencies, and these
 * are a few dozen lines each. Both return a new value and never change their input.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface JsonPatchOperation {
  readonly op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  readonly path: string;
  readonly from?: string;
  readonly value?: Json;
}

/** An operation that cannot apply (a missing path, a failed test), with why. */
export class JsonPatchError extends Error {}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 6901: `/spec/template/0/a~1b` → ["spec", "template", "0", "a/b"]. */
function tokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/"))
    throw new JsonPatchError(`"${pointer}" is not a JSON pointer (starts with /)`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function arrayIndex(array: Json[], token: string, forAdd: boolean): number {
  if (forAdd && token === "-") return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError(`"${token}" is not an array index`);
  const i = Number(token);
  if (i > array.length || (!forAdd && i === array.length))
    throw new JsonPatchError(`index ${i} is past the end of an array of ${array.length}`);
  return i;
}

function get(doc: Json, path: readonly string[], pointer: string): Json {
  let at: Json = doc;
  for (const t of path) {
    if (Array.isArray(at)) at = at[arrayIndex(at, t, false)] as Json;
    else if (isObject(at) && Object.hasOwn(at, t)) at = at[t] as Json;
    else throw new JsonPatchError(`${pointer}: no such path`);
  }
  return at;
}

/** The container of the last token, for add and remove. */
function parentOf(doc: Json, path: readonly string[], pointer: string): Json[] | { [key: string]: Json } {
  const parent = get(doc, path.slice(0, -1), pointer);
  if (!Array.isArray(parent) && !isObject(parent)) throw new JsonPatchError(`${pointer}: no such path`);
  return parent;
}

function add(doc: Json, pointer: string, value: Json): Json {
  const path = tokens(pointer);
  if (path.length === 0) return structuredClone(value);
  const parent = parentOf(doc, path, pointer);
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, structuredClone(value));
  else parent[last] = structuredClone(value);
  return doc;
}

function remove(doc: Json, pointer: string): Json {
  const path = tokens(pointer);
  if (path.length === 0) throw new JsonPatchError("cannot remove the whole object");
  const parent = parentOf(doc, path, pointer);
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else if (Object.hasOwn(parent, last)) delete parent[last];
  else throw new JsonPatchError(`${pointer}: no such path`);
  return doc;
}

/** Deep equality of JSON values, as RFC 6902's test defines it (object key order aside). */
function equal(a: Json, b: Json): boolean {
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i] as Json));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && equal(a[k] as Json, b[k] as Json))
    );
  }
  return a === b;
}

export function applyJsonPatch(document: Json, operations: readonly JsonPatchOperation[]): Json {
  let doc = structuredClone(document);
  operations.forEach((o, i) => {
    const needs = (what: "value" | "from"): Json | string => {
      const v = o[what];
      if (v === undefined) throw new JsonPatchError(`operation ${i} (${o.op}) needs "${what}"`);
      return v;
    };
    try {
      switch (o.op) {
        case "add":
          doc = add(doc, o.path, needs("value") as Json);
          break;
        case "remove":
          doc = remove(doc, o.path);
          break;
        case "replace":
          get(doc, tokens(o.path), o.path);
          doc = add(remove(doc, o.path), o.path, needs("value") as Json);
          break;
        case "move": {
          const from = needs("from") as string;
          const value = get(doc, tokens(from), from);
          doc = add(remove(doc, from), o.path, value);
          break;
        }
        case "copy": {
          const from = needs("from") as string;
          doc = add(doc, o.path, get(doc, tokens(from), from));
          break;
        }
        case "test":
          if (!equal(get(doc, tokens(o.path), o.path), needs("value") as Json))
            throw new JsonPatchError(`${o.path}: test failed, the value differs`);
      }
    } catch (error) {
      if (error instanceof JsonPatchError)
        throw new JsonPatchError(`operation ${i} (${o.op}): ${error.message}`);
      throw error;
    }
  });
  return doc;
}

/**
 * RFC 7386: objects merge key by key, `null` removes a key, anything else (arrays included)
 * replaces what was there. Lists are therefore replaced whole, not merged by name as
 * Kubernetes' strategic merge patch would.
 */
export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
