// What the migrations leave in the database, statement by statement, as far as the rules need it.
// The applied files build it first; the pending ones then change it, and the rules read it.
import type { AlterTableCmd, Constraint, Node } from "libpg-query";
import { bareName, createdKinds, objectName, typeOf } from "./ast.ts";
import type { Created, CreatedKind } from "./created.ts";

export interface Schema {
  /** Column types by table. */
  readonly columns: Map<string, Map<string, string>>;
  /** Functions the migrations create, by name: volatile unless declared IMMUTABLE or STABLE (Postgres' default). */
  readonly functions: Map<string, "volatile" | "non-volatile">;
  /** CHECK (col IS NOT NULL) constraints by `table.constraint`: its column, and whether it is validated. */
  readonly notNullChecks: Map<string, { readonly column: string; validated: boolean }>;
  /** Constraints the file being checked added NOT VALID, by `table.constraint`; emptied per file. */
  readonly notValidInFile: Set<string>;
}

export const emptySchema = (): Schema => ({
  columns: new Map(),
  functions: new Map(),
  notNullChecks: new Map(),
  notValidInFile: new Set(),
});

/** Called before each subcommand of an ALTER TABLE is applied, with the model as the earlier ones left it. */
export type BeforeAlterTableCmd = (cmd: AlterTableCmd, table: string, location: number | undefined) => void;

/** Applies one statement to the model: what it creates, renames, drops and declares. */
export function applyStatement(
  node: Node | undefined,
  schema: Schema,
  created: Created,
  beforeCmd: BeforeAlterTableCmd = () => undefined,
): void {
  if (!node) return;
  const { columns } = schema;
  if ("CreateFunctionStmt" in node) {
    const f = node.CreateFunctionStmt;
    const last = f.funcname?.at(-1);
    const name = last && "String" in last ? (last.String.sval ?? "") : "";
    const volatility = (f.options ?? []).find((o) => "DefElem" in o && o.DefElem.defname === "volatility");
    const declared = volatility && "DefElem" in volatility ? objectName(volatility.DefElem.arg) : "volatile";
    schema.functions.set(name, declared === "volatile" ? "volatile" : "non-volatile");
    // OR REPLACE may replace one the running version calls: not new.
    if (!f.replace) created.add("function", name);
    return;
  }
  const table =
    ("CreateStmt" in node && node.CreateStmt) ||
    ("CreateForeignTableStmt" in node && node.CreateForeignTableStmt.base);
  if (table) {
    const name = table.relation?.relname ?? "";
    // IF NOT EXISTS of a table the applied files made creates nothing.
    if (table.if_not_exists && columns.has(name)) return;
    const cols = new Map<string, string>();
    for (const elt of table.tableElts ?? [])
      if ("ColumnDef" in elt) cols.set(elt.ColumnDef.colname ?? "", typeOf(elt.ColumnDef.typeName));
    columns.set(name, cols);
    created.add("relation", name);
    return;
  }
  const made =
    ("CreateTableAsStmt" in node && node.CreateTableAsStmt.into?.rel) ||
    ("ViewStmt" in node && !node.ViewStmt.replace && node.ViewStmt.view) ||
    ("CreateSeqStmt" in node && node.CreateSeqStmt.sequence) ||
    undefined;
  if (made) {
    created.add("relation", made.relname ?? "");
    return;
  }
  const type =
    ("CreateEnumStmt" in node && objectName(node.CreateEnumStmt.typeName?.at(-1))) ||
    ("CreateDomainStmt" in node && objectName(node.CreateDomainStmt.domainname?.at(-1))) ||
    ("CreateRangeStmt" in node && objectName(node.CreateRangeStmt.typeName?.at(-1))) ||
    ("CompositeTypeStmt" in node && node.CompositeTypeStmt.typevar?.relname) ||
    undefined;
  if (type) {
    created.add("type", type);
    return;
  }
  if ("CreateSchemaStmt" in node) {
    if (!node.CreateSchemaStmt.if_not_exists) created.add("schema", node.CreateSchemaStmt.schemaname ?? "");
    return;
  }
  if ("CreateExtensionStmt" in node) {
    if (!node.CreateExtensionStmt.if_not_exists)
      created.add("extension", node.CreateExtensionStmt.extname ?? "");
    return;
  }
  if ("IndexStmt" in node) {
    if (node.IndexStmt.idxname) created.add("relation", node.IndexStmt.idxname);
    return;
  }
  if ("CreateTrigStmt" in node) {
    const t = node.CreateTrigStmt;
    if (!t.replace) created.add("trigger", `${t.relation?.relname}.${t.trigname}`);
    return;
  }
  if ("RenameStmt" in node) {
    const r = node.RenameStmt;
    if (r.renameType === "OBJECT_COLUMN" || r.renameType === "OBJECT_ATTRIBUTE") {
      const table = r.relation?.relname ?? "";
      created.renamed("column", `${table}.${r.subname}`, `${table}.${r.newname}`);
      const cols = columns.get(table);
      const type = cols?.get(r.subname ?? "");
      if (cols && type !== undefined) {
        cols.delete(r.subname ?? "");
        cols.set(r.newname ?? "", type);
      }
      return;
    }
    const as: CreatedKind | undefined = r.renameType ? createdKinds[r.renameType] : undefined;
    const bare = r.relation?.relname ?? r.subname ?? bareName(r.object);
    if (as && created.has(as, bare)) {
      created.renamed(as, bare, r.newname ?? "");
      const cols = columns.get(bare);
      if (cols && r.renameType === "OBJECT_TABLE") columns.set(r.newname ?? "", cols);
    }
    return;
  }
  if ("AlterTableStmt" in node) {
    const table = node.AlterTableStmt.relation?.relname ?? "";
    for (const cmdNode of node.AlterTableStmt.cmds ?? []) {
      if (!("AlterTableCmd" in cmdNode)) continue;
      const cols = columns.get(table) ?? new Map<string, string>();
      columns.set(table, cols);
      beforeCmd(cmdNode.AlterTableCmd, table, node.AlterTableStmt.relation?.location);
      alterTable(cmdNode.AlterTableCmd, table, cols, schema, created);
    }
  }
}

function alterTable(
  cmd: AlterTableCmd,
  table: string,
  cols: Map<string, string>,
  schema: Schema,
  created: Created,
): void {
  const name = cmd.name ?? "";
  switch (cmd.subtype) {
    case "AT_DropColumn":
      cols.delete(name);
      return;
    case "AT_AlterColumnType": {
      const def = cmd.def && "ColumnDef" in cmd.def ? cmd.def.ColumnDef : undefined;
      cols.set(name, typeOf(def?.typeName));
      return;
    }
    case "AT_AddColumn": {
      const def = cmd.def && "ColumnDef" in cmd.def ? cmd.def.ColumnDef : undefined;
      if (!def) return;
      created.add("column", `${table}.${def.colname}`);
      cols.set(def.colname ?? "", typeOf(def.typeName));
      return;
    }
    case "AT_ValidateConstraint": {
      const check = schema.notNullChecks.get(`${table}.${name}`);
      if (check) check.validated = true;
      return;
    }
    case "AT_AddConstraint": {
      const c = cmd.def && "Constraint" in cmd.def ? cmd.def.Constraint : undefined;
      if (c) recordConstraint(table, c, schema);
      return;
    }
    default:
      return;
  }
}

/** Remembers what later statements need: NOT VALID adds, and CHECK (col IS NOT NULL). */
function recordConstraint(table: string, c: Constraint, schema: Schema): void {
  const column = notNullColumn(c);
  const name = c.conname ?? `${table}_${column ?? ""}_check`;
  if (c.skip_validation) schema.notValidInFile.add(`${table}.${name}`);
  if (column) schema.notNullChecks.set(`${table}.${name}`, { column, validated: !c.skip_validation });
}

/** The column of a CHECK (col IS NOT NULL), if that is what the constraint is. */
function notNullColumn(c: Constraint): string | undefined {
  const test =
    c.contype === "CONSTR_CHECK" && c.raw_expr && "NullTest" in c.raw_expr ? c.raw_expr.NullTest : undefined;
  if (test?.nulltesttype !== "IS_NOT_NULL" || !test.arg || !("ColumnRef" in test.arg)) return undefined;
  const fields = test.arg.ColumnRef.fields ?? [];
  return fields.length === 1 ? objectName(fields[0]) : undefined;
}
