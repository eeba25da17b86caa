import { typeOf } from "../ast.ts";
import type { AlterTableRule } from "./rule.ts";

/** Type changes that readers and writers of the old version survive, with why. */
function widening(from: string, to: string): string | undefined {
  const v = /^(varchar|bpchar)\((\d+)\)$/;
  const a = v.exec(from);
  const b = v.exec(to);
  if (a && b && a[1] === b[1] && Number(b[2]) >= Number(a[2]))
    return `${from} to ${to} only lengthens the limit`;
  if (a && to === "text") return `${from} to text removes the length limit`;
  const ints = ["int2", "int4", "int8"];
  if (ints.includes(from) && ints.includes(to) && ints.indexOf(to) > ints.indexOf(from))
    return `${from} to ${to} widens the integer; old writers' values still fit`;
  const n = /^numeric\((\d+),(\d+)\)$/;
  const na = n.exec(from);
  const nb = n.exec(to);
  if (na && nb && na[2] === nb[2] && Number(nb[1]) >= Number(na[1]))
    return `${from} to ${to} keeps the scale and raises the precision`;
  return undefined;
}

export const changingColumnType: AlterTableRule = {
  id: "changing-column-type",
  severity: "error",
  description: "changes a column's type: the old version may break, the table may be rewritten",
  checkAlterTable(cmd, { table, location }, ctx) {
    const name = cmd.name ?? "";
    // Nothing running reads or writes a column the pending files made.
    if (cmd.subtype !== "AT_AlterColumnType" || ctx.created.hasColumn(table, name)) return;
    const def = cmd.def && "ColumnDef" in cmd.def ? cmd.def.ColumnDef : undefined;
    const to = typeOf(def?.typeName);
    const from = ctx.schema.columns.get(table)?.get(name);
    const widens = from ? widening(from, to) : undefined;
    if (widens)
      ctx.report({
        severity: "warning",
        location,
        message: `${table}.${name}: ${widens}, so the running version keeps working; the table may be rewritten under an exclusive lock`,
        hint: "run it at a quiet time, or add a new column and backfill it in batches",
      });
    else
      ctx.report({
        location,
        message: `changing ${table}.${name}${from ? ` from ${from}` : ""} to ${to} breaks the running version's reads and writes of ${name}, and rewrites the table`,
        hint: `expand/contract: add ${name}_new as ${to}, write both, backfill, move readers, drop ${name} later`,
      });
  },
};
