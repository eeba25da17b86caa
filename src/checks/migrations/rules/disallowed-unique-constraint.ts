import type { Constraint } from "libpg-query";
import { constraintsOf, objectName } from "../ast.ts";
import type { AlterTableRule, RuleReport } from "./rule.ts";

/** A UNIQUE constraint that builds its own index: under ACCESS EXCLUSIVE, for as long as the build takes. */
function uniqueWithoutIndex(
  table: string,
  c: Constraint,
  keys: readonly string[],
  location: number | undefined,
  /** Set for a column added with UNIQUE: it is added without it first. */
  column?: string,
): RuleReport {
  const first = column ? `add ${column} without UNIQUE, then ` : "";
  const name = c.conname ?? `${table}_${keys.join("_")}_key`;
  const include = (c.including ?? []).map(objectName);
  const index = `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${table} (${keys.join(", ")})${include.length ? ` INCLUDE (${include.join(", ")})` : ""}${c.nulls_not_distinct ? " NULLS NOT DISTINCT" : ""}`;
  return {
    location,
    message: `adding unique constraint ${name} on ${table} (${keys.join(", ")}) builds its index under an ACCESS EXCLUSIVE lock: every read and write of ${table} waits until it is built`,
    hint: `${first}build the index first, in a file of its own (Slipway runs it outside a transaction): ${index}; then, in a later file: ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}`,
  };
}

export const disallowedUniqueConstraint: AlterTableRule = {
  id: "disallowed-unique-constraint",
  severity: "warning",
  description: "adds a UNIQUE constraint that builds its index under a lock",
  checkAlterTable(cmd, { table, location }, ctx) {
    // On a table the pending files created, nobody waits for the lock.
    if (ctx.created.has("relation", table)) return;
    const def = cmd.def;
    if (cmd.subtype === "AT_AddColumn" && def && "ColumnDef" in def) {
      const column = def.ColumnDef.colname;
      for (const c of constraintsOf(def.ColumnDef))
        if (c.contype === "CONSTR_UNIQUE")
          ctx.report(uniqueWithoutIndex(table, c, [column ?? ""], location, column));
    }
    if (cmd.subtype === "AT_AddConstraint" && def && "Constraint" in def) {
      const c = def.Constraint;
      // USING INDEX names an index built beforehand.
      if (c.contype === "CONSTR_UNIQUE" && !c.indexname)
        ctx.report(uniqueWithoutIndex(table, c, (c.keys ?? []).map(objectName), location));
    }
  },
};
