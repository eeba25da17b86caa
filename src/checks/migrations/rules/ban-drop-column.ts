import type { AlterTableRule } from "./rule.ts";

export const banDropColumn: AlterTableRule = {
  id: "ban-drop-column",
  severity: "error",
  description: "drops something the running version may still use",
  checkAlterTable(cmd, { table, location }, ctx) {
    const name = cmd.name ?? "";
    // A column the pending files made is no column the running version uses.
    if (cmd.subtype !== "AT_DropColumn" || ctx.created.hasColumn(table, name)) return;
    ctx.report({
      location,
      message: `dropping ${table}.${name} breaks the running version wherever it reads or writes ${name}`,
      hint: `contract in a later release: deploy a version that no longer uses ${name} first (the dynamic proof then shows no live query touches it), then drop it`,
    });
  },
};
