import type { StatementRule } from "./rule.ts";

export const renamingColumn: StatementRule = {
  id: "renaming-column",
  severity: "error",
  description: "renames something the running version still names",
  check(node, ctx) {
    if (!("RenameStmt" in node)) return;
    const r = node.RenameStmt;
    if (r.renameType !== "OBJECT_COLUMN" && r.renameType !== "OBJECT_ATTRIBUTE") return;
    if (ctx.created.hasColumn(r.relation?.relname ?? "", r.subname ?? "")) return;
    ctx.report({
      location: r.relation?.location,
      message: `renaming ${r.relation?.relname}.${r.subname} to ${r.newname} breaks the running version's queries that use ${r.subname}`,
      hint: "expand/contract: add the new column, write both, backfill, move readers, then drop the old column",
    });
  },
};
