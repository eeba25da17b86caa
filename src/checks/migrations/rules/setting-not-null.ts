import type { AlterTableRule } from "./rule.ts";

export const settingNotNull: AlterTableRule = {
  id: "setting-not-null",
  severity: "error",
  description: "sets NOT NULL on a column the running version may leave empty",
  checkAlterTable(cmd, { table, location }, ctx) {
    const name = cmd.name ?? "";
    if (cmd.subtype !== "AT_SetNotNull" || ctx.created.hasColumn(table, name)) return;
    // PostgreSQL 12+ takes a validated CHECK (col IS NOT NULL) as proof: no scan, and the running
    // version's inserts without the column were refused already.
    const proven = [...ctx.schema.notNullChecks.entries()].some(
      ([key, c]) => key.startsWith(`${table}.`) && c.column === name && c.validated,
    );
    if (proven) return;
    ctx.report({
      location,
      message: `SET NOT NULL on ${table}.${name}: inserts of the running version that leave ${name} empty start failing, and the check scans the table under an exclusive lock`,
      hint: `add CHECK (${name} IS NOT NULL) NOT VALID, VALIDATE it in a later file, and set NOT NULL once every writer sets ${name} (PostgreSQL 12 and later then skip the scan)`,
    });
  },
};
