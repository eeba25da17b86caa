import type { AlterTableRule } from "./rule.ts";

export const droppingDefault: AlterTableRule = {
  id: "dropping-default",
  severity: "error",
  description: "drops a default the running version's inserts rely on",
  checkAlterTable(cmd, { table, location }, ctx) {
    const name = cmd.name ?? "";
    // ALTER COLUMN ... DROP DEFAULT is a column default without an expression.
    if (cmd.subtype !== "AT_ColumnDefault" || cmd.def || ctx.created.hasColumn(table, name)) return;
    ctx.report({
      location,
      message: `dropping the default of ${table}.${name}: the running version's inserts that rely on it start failing or store NULL`,
      hint: "keep the default until no running version inserts without the column",
    });
  },
};
