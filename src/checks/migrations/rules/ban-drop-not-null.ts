import type { AlterTableRule } from "./rule.ts";

export const banDropNotNull: AlterTableRule = {
  id: "ban-drop-not-null",
  severity: "error",
  description: "drops NOT NULL from a column the running version reads as never empty",
  checkAlterTable(cmd, { table, location }, ctx) {
    const name = cmd.name ?? "";
    if (cmd.subtype !== "AT_DropNotNull" || ctx.created.hasColumn(table, name)) return;
    ctx.report({
      location,
      message: `dropping NOT NULL of ${table}.${name}: the new version may write NULL there, and the running version reads ${name} as never empty`,
      hint: `contract in a later release: first deploy a version that copes with NULL in ${name} (or no longer reads it), then drop NOT NULL`,
      // The dynamic proof lets it through when no live query reads the column.
      subject: `${table}.${name}`,
    });
  },
};
