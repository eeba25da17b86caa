import { constraintsOf } from "../ast.ts";
import type { AlterTableRule } from "./rule.ts";

export const constraintMissingNotValid: AlterTableRule = {
  id: "constraint-missing-not-valid",
  severity: "warning",
  description: "adds a constraint that scans the table under a lock (no NOT VALID)",
  checkAlterTable(cmd, { table, location }, ctx) {
    const isExisting = !ctx.created.has("relation", table);
    const def = cmd.def;
    switch (cmd.subtype) {
      case "AT_AddColumn": {
        const column = def && "ColumnDef" in def ? def.ColumnDef : undefined;
        // Postgres has no NOT VALID for a column's own REFERENCES: it validates at once.
        if (column && isExisting && constraintsOf(column).some((c) => c.contype === "CONSTR_FOREIGN"))
          ctx.report({
            location,
            message: `adding ${table}.${column.colname} with REFERENCES validates the foreign key over every row while holding a lock on ${table} and the table it references`,
            hint: `add ${column.colname} without REFERENCES, then ALTER TABLE ${table} ADD CONSTRAINT ... FOREIGN KEY (${column.colname}) REFERENCES ... NOT VALID, and VALIDATE CONSTRAINT in a later file`,
          });
        return;
      }
      case "AT_ValidateConstraint": {
        const name = cmd.name ?? "";
        if (ctx.schema.notValidInFile.has(`${table}.${name}`))
          ctx.report({
            location,
            message: `VALIDATE CONSTRAINT ${name} runs in the same transaction as its NOT VALID add (one file is one transaction): the lock the add takes on ${table} is held while every row is validated, as if NOT VALID were not there`,
            hint: `move ALTER TABLE ${table} VALIDATE CONSTRAINT ${name} to a later file`,
          });
        return;
      }
      case "AT_AddConstraint": {
        const c = def && "Constraint" in def ? def.Constraint : undefined;
        if (
          c &&
          isExisting &&
          (c.contype === "CONSTR_FOREIGN" || c.contype === "CONSTR_CHECK") &&
          !c.skip_validation
        )
          ctx.report({
            location,
            message: `adding a ${c.contype === "CONSTR_FOREIGN" ? "foreign key" : "check constraint"} on ${table} validates every row while holding a lock`,
            hint: "add it NOT VALID, then VALIDATE CONSTRAINT in a separate statement",
          });
        return;
      }
      default:
        return;
    }
  },
};
