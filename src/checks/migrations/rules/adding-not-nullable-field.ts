import { constraintsOf, serialTypes, typeOf } from "../ast.ts";
import type { AlterTableRule } from "./rule.ts";

export const addingNotNullableField: AlterTableRule = {
  id: "adding-not-nullable-field",
  severity: "error",
  description: "adds a NOT NULL column the running version's inserts do not set",
  checkAlterTable(cmd, { table, location }, ctx) {
    const def =
      cmd.subtype === "AT_AddColumn" && cmd.def && "ColumnDef" in cmd.def ? cmd.def.ColumnDef : undefined;
    if (!def || ctx.created.has("relation", table)) return;
    const constraints = constraintsOf(def);
    const notNull = constraints.some((c) => c.contype === "CONSTR_NOTNULL") || def.is_not_null === true;
    const filled = constraints.some(
      (c) =>
        c.contype === "CONSTR_DEFAULT" || c.contype === "CONSTR_IDENTITY" || c.contype === "CONSTR_GENERATED",
    );
    if (!notNull || filled || serialTypes.has(typeOf(def.typeName))) return;
    ctx.report({
      location,
      message: `adding NOT NULL column ${table}.${def.colname} without a default: it fails on a table with rows, and the running version's inserts do not set it`,
      hint: "add it nullable (or with a default), backfill, then add the NOT NULL constraint in a later release",
    });
  },
};
