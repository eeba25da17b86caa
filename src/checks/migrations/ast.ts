// Reading names and types out of libpg-query's statement trees, as the migration rules need them.
import type { ColumnDef, Constraint, FuncCall, Node, ObjectType, RangeVar, TypeName } from "libpg-query";
import type { Created, CreatedKind } from "./created.ts";

/** A column's type as the rules compare it: `varchar(100)`, `int8`, `numeric(10,2)`. */
export const typeOf = (t: TypeName | undefined): string => {
  const names = (t?.names ?? [])
    .map((n) => ("String" in n ? (n.String.sval ?? "") : ""))
    .filter((n) => n !== "pg_catalog");
  const mods = (t?.typmods ?? [])
    .map((m) => ("A_Const" in m ? String((m.A_Const as { ival?: { ival?: number } }).ival?.ival ?? "") : ""))
    .filter(Boolean);
  return `${names.join(".")}${mods.length ? `(${mods.join(",")})` : ""}`;
};

/** serial types: a default of nextval() on a sequence of their own. */
export const serialTypes = new Set(["smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"]);

export function funcName(node: Node | undefined): string | undefined {
  if (!node || !("FuncCall" in node)) return undefined;
  const names = node.FuncCall.funcname ?? [];
  const last = names[names.length - 1];
  return last && "String" in last ? last.String.sval : undefined;
}

/** Every function an expression calls, by its unqualified name, at any depth (casts, operators, arguments). */
export function calls(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) calls(n, found);
  else if (node && typeof node === "object")
    for (const [key, value] of Object.entries(node)) {
      const name = key === "FuncCall" ? funcName({ FuncCall: value as FuncCall }) : undefined;
      if (name) found.push(name);
      calls(value, found);
    }
  return found;
}

export function constraintsOf(def: ColumnDef): Constraint[] {
  return (def.constraints ?? [])
    .map((c) => ("Constraint" in c ? c.Constraint : undefined))
    .filter((c): c is Constraint => c !== undefined);
}

/** How the rules' messages name an object type. */
export const nouns: Partial<Record<ObjectType, string>> = {
  OBJECT_TABLE: "table",
  OBJECT_FOREIGN_TABLE: "foreign table",
  OBJECT_VIEW: "view",
  OBJECT_MATVIEW: "materialized view",
  OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index",
  OBJECT_TYPE: "type",
  OBJECT_DOMAIN: "domain",
  OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "procedure",
  OBJECT_ROUTINE: "routine",
  OBJECT_AGGREGATE: "aggregate",
  OBJECT_SCHEMA: "schema",
  OBJECT_TRIGGER: "trigger",
  OBJECT_EXTENSION: "extension",
};

export const names = (list: Node[] | undefined): string =>
  (list ?? []).map((n) => ("String" in n ? (n.String.sval ?? "") : "")).join(".");

export const qualified = (r: RangeVar): string =>
  r.schemaname ? `${r.schemaname}.${r.relname}` : (r.relname ?? "");

/** How a drop, rename or SET SCHEMA names its object: a name, a qualified name, a type, a function with its arguments. */
export function objectName(node: Node | undefined): string {
  if (!node) return "";
  if ("String" in node) return node.String.sval ?? "";
  if ("List" in node) return names(node.List.items);
  if ("TypeName" in node) return names(node.TypeName.names);
  if ("ObjectWithArgs" in node) {
    const f = node.ObjectWithArgs;
    return `${names(f.objname)}${f.args_unspecified ? "" : `(${(f.objargs ?? []).map((a) => ("TypeName" in a ? typeOf(a.TypeName) : "")).join(", ")})`}`;
  }
  return "";
}

/** The last part of a drop's or rename's object name: how the pending files' creations are keyed. */
export function bareName(node: Node | undefined): string {
  if (!node) return "";
  if ("List" in node) return objectName(node.List.items?.at(-1));
  if ("TypeName" in node) return objectName(node.TypeName.names?.at(-1));
  if ("ObjectWithArgs" in node) return objectName(node.ObjectWithArgs.objname?.at(-1));
  return objectName(node);
}

/** Under which kind the pending files' creations of an object type are kept. */
export const createdKinds: Partial<Record<ObjectType, CreatedKind>> = {
  OBJECT_TABLE: "relation",
  OBJECT_FOREIGN_TABLE: "relation",
  OBJECT_VIEW: "relation",
  OBJECT_MATVIEW: "relation",
  OBJECT_SEQUENCE: "relation",
  OBJECT_INDEX: "relation",
  OBJECT_TYPE: "type",
  OBJECT_DOMAIN: "type",
  OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "function",
  OBJECT_ROUTINE: "function",
  OBJECT_AGGREGATE: "function",
  OBJECT_SCHEMA: "schema",
  OBJECT_EXTENSION: "extension",
};

/** Whether the pending files created this object: then nothing running uses it. */
export const isCreated = (
  created: Pick<Created, "has">,
  kind: ObjectType | undefined,
  node: Node | undefined,
): boolean => {
  const as = kind ? createdKinds[kind] : undefined;
  return as !== undefined && created.has(as, bareName(node));
};
