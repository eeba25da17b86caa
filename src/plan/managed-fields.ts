import type { KubernetesObject } from "@kubernetes/client-node";
import { fieldManager } from "../clients/kubernetes/field-manager.ts";

/** A field set as managedFields keep it (FieldsV1): `f:name`, `k:{"name":"x"}`, `v:<json>`, `i:<n>`, `.`. */
export interface FieldSet {
  readonly [key: string]: FieldSet;
}

/** One managedFields entry: a manager, how it wrote (Apply or Update) and the fields it owns. */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly apiVersion?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: FieldSet;
  readonly time?: string;
}

/**
 * A field of a live object that another field manager than Slipway's owns, alone, where the
 * definition and the object differ: what an apply of the definition cannot change by itself.
 */
export interface ForeignField {
  /** The field in the server's notation, as its conflicts name it: `.spec...env[name="LOG_LEVEL"]`. */
  readonly field: string;
  /** Where it is in the object, as the plan's and drift's changes name fields: `spec...env[2]`. */
  readonly path: string;
  readonly value: unknown;
  readonly managers: readonly string[];
  /**
   * `added`: the definition does not set it, so an apply leaves it (server-side apply removes
   * only fields the applier owned); `changed`: the definition sets it, so an apply conflicts.
   */
  readonly how: "added" | "changed";
}

export const managedFieldsOf = (object: KubernetesObject): ManagedFieldsEntry[] =>
  ((object.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields ?? []).slice();

/** `f:spec` → `.spec`, `k:{"name":"a"}` → `[name="a"]`, `v:"x"` → `[="x"]`, `i:3` → `[3]`: apimachinery's printing. */
export function fieldName(keys: readonly string[]): string {
  return keys
    .map((k) => {
      const body = k.slice(2);
      if (k.startsWith("f:")) return `.${body}`;
      if (k.startsWith("i:")) return `[${body}]`;
      if (k.startsWith("v:")) return `[=${body}]`;
      const key = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(key)
        .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
        .join(",")}]`;
    })
    .join("");
}

/** The value a field-set path names in an object, and where it is; undefined when the object lacks it. */
export function resolveField(
  object: unknown,
  keys: readonly string[],
): { readonly path: string; readonly value: unknown } | undefined {
  let value: unknown = object;
  let path = "";
  for (const k of keys) {
    const body = k.slice(2);
    if (k.startsWith("f:")) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
      const next = (value as Record<string, unknown>)[body];
      if (next === undefined) return undefined;
      value = next;
      path = path ? `${path}.${body}` : body;
      continue;
    }
    if (!Array.isArray(value)) return undefined;
    const items: unknown[] = value;
    let index = -1;
    if (k.startsWith("i:")) index = Number(body) < items.length ? Number(body) : -1;
    else if (k.startsWith("v:")) index = items.findIndex((i) => JSON.stringify(i) === body);
    else if (k.startsWith("k:")) {
      const key = Object.entries(JSON.parse(body) as Record<string, unknown>);
      index = items.findIndex(
        (i) =>
          i !== null &&
          typeof i === "object" &&
          key.every(([n, v]) => String((i as Record<string, unknown>)[n]) === String(v)),
      );
    }
    if (index < 0) return undefined;
    value = items[index];
    path = `${path}[${index}]`;
  }
  return { path, value };
}

/** The paths of the fields a set owns: nodes marked `.` (a list item, a map as a whole) and leaves. */
export function ownedPaths(set: FieldSet, prefix: readonly string[] = []): string[][] {
  const found: string[][] = [];
  for (const [key, child] of Object.entries(set)) {
    if (key === ".") continue;
    const keys = [...prefix, key];
    if ("." in child || Object.keys(child).length === 0) found.push(keys);
    found.push(...ownedPaths(child, keys));
  }
  return found;
}

const pathKey = (keys: readonly string[]): string => JSON.stringify(keys);

const isUnder = (path: string, parent: string): boolean =>
  path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);

/** One path within, or around, the other: a field of a changed list, or the list of a changed field. */
export const overlaps = (a: string, b: string): boolean => isUnder(a, b) || isUnder(b, a);

/** Where the fields Slipway's apply owns are in the object (the plan's and drift's notation). */
export function slipwayOwned(object: KubernetesObject): string[] {
  return managedFieldsOf(object)
    .filter((e) => e.manager === fieldManager && e.fieldsV1)
    .flatMap((e) => ownedPaths(e.fieldsV1 ?? {}))
    .flatMap((keys) => {
      const at = resolveField(object, keys);
      return at ? [at.path] : [];
    });
}

/**
 * Fields of `actual` (a live object, or the one the server's dry run leaves) that other field
 * managers own and Slipway's does not, where `target` (the definition, or the applied release)
 * differs from it (`differing`: the changes' paths). The status subresource's writers are the
 * controllers; they never own what Slipway sets. Outermost fields only: an added list item,
 * not also each of its fields.
 */
export function foreignFields(
  target: KubernetesObject,
  actual: KubernetesObject,
  differing: readonly string[],
): ForeignField[] {
  const entries = managedFieldsOf(actual);
  const ours = new Set(
    entries
      .filter((e) => e.manager === fieldManager && e.fieldsV1)
      .flatMap((e) => ownedPaths(e.fieldsV1 ?? {}).map(pathKey)),
  );
  const found = new Map<string, { keys: string[]; managers: Set<string> }>();
  for (const entry of entries) {
    if (entry.manager === fieldManager || entry.subresource === "status" || !entry.fieldsV1) continue;
    for (const keys of ownedPaths(entry.fieldsV1)) {
      const key = pathKey(keys);
      if (ours.has(key)) continue;
      const at = resolveField(actual, keys);
      if (!at || !differing.some((d) => overlaps(at.path, d))) continue;
      const known = found.get(key) ?? { keys, managers: new Set<string>() };
      known.managers.add(entry.manager ?? "(unnamed)");
      found.set(key, known);
    }
  }
  const all = [...found.values()];
  return all
    .filter(({ keys }) =>
      all.every((o) => o.keys.length >= keys.length || o.keys.some((k, i) => keys[i] !== k)),
    )
    .flatMap(({ keys, managers }) => {
      const at = resolveField(actual, keys);
      if (!at) return [];
      return [
        {
          field: fieldName(keys),
          path: at.path,
          value: at.value,
          managers: [...managers].sort(),
          how: resolveField(target, keys) ? ("changed" as const) : ("added" as const),
        },
      ];
    });
}

/**
 * The object's managedFields with the named fields (server notation) moved from every other
 * manager to Slipway's apply: the way kubectl moves fields from client-side to server-side apply
 * (client-go's csaupgrade). An apply that then leaves the fields out removes them, as it removes
 * any field only Slipway owned. Undefined when no other manager owns any of them.
 */
export function takeOver(
  object: KubernetesObject,
  fields: ReadonlySet<string>,
): ManagedFieldsEntry[] | undefined {
  const entries = managedFieldsOf(object);
  const taken: string[][] = [];
  const remaining = entries.flatMap((entry): ManagedFieldsEntry[] => {
    if (entry.manager === fieldManager || entry.subresource === "status" || !entry.fieldsV1) return [entry];
    let set: FieldSet = entry.fieldsV1;
    for (const keys of ownedPaths(entry.fieldsV1)) {
      if (!fields.has(fieldName(keys))) continue;
      taken.push(keys);
      set = without(set, keys);
    }
    if (set === entry.fieldsV1) return [entry];
    // A manager left with nothing is dropped, as the server drops it.
    return Object.keys(set).length ? [{ ...entry, fieldsV1: set }] : [];
  });
  if (!taken.length) return undefined;
  const mineAt = remaining.findIndex(
    (e) => e.manager === fieldManager && e.operation === "Apply" && !e.subresource,
  );
  const mine = remaining[mineAt];
  const fieldsV1 = taken.reduce(
    (set, keys) => withOwned(set, keys, subtreeOf(entries, keys)),
    mine?.fieldsV1 ?? {},
  );
  const updated: ManagedFieldsEntry = mine
    ? { ...mine, fieldsV1 }
    : {
        manager: fieldManager,
        operation: "Apply",
        apiVersion: object.apiVersion ?? "v1",
        fieldsType: "FieldsV1",
        fieldsV1,
        time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      };
  return mineAt >= 0 ? remaining.map((e, i) => (i === mineAt ? updated : e)) : [...remaining, updated];
}

/** A field set without one path (and parents it leaves empty). */
function without(set: FieldSet, keys: readonly string[]): FieldSet {
  const [head, ...rest] = keys;
  if (head === undefined || !(head in set)) return set;
  const copy: Record<string, FieldSet> = { ...set };
  if (!rest.length) delete copy[head];
  else {
    const inner = without(set[head] ?? {}, rest);
    if (Object.keys(inner).length === 0) delete copy[head];
    else copy[head] = inner;
  }
  return copy;
}

/** The union of what every manager owns at and under one path. */
function subtreeOf(entries: readonly ManagedFieldsEntry[], keys: readonly string[]): FieldSet {
  return entries
    .map((e) => keys.reduce<FieldSet | undefined>((s, k) => s?.[k], e.fieldsV1))
    .filter((s): s is FieldSet => s !== undefined)
    .reduce<FieldSet>((a, b) => merge(a, b), {});
}

function withOwned(set: FieldSet, keys: readonly string[], subtree: FieldSet): FieldSet {
  const [head, ...rest] = keys;
  if (head === undefined) return merge(set, subtree);
  return { ...set, [head]: withOwned(set[head] ?? {}, rest, subtree) };
}

function merge(a: FieldSet, b: FieldSet): FieldSet {
  const out: Record<string, FieldSet> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k] ?? {}, v);
  return out;
}
