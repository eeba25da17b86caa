// What the renaming-* rules share: a rename of something the running version's queries name,
// unless the pending files created it. Columns have a rule of their own (renaming-column).
import type { ObjectType } from "libpg-query";
import { bareName, createdKinds, nouns, objectName, qualified } from "../ast.ts";
import type { StatementRule } from "./rule.ts";

/** A rule against renaming these kinds of object; `hints` gives the safe way for each. */
export function renameRule(
  id: string,
  hints: Partial<Record<ObjectType, string>>,
  formerly?: readonly string[],
): StatementRule {
  return {
    id,
    severity: "error",
    description: "renames something the running version still names",
    ...(formerly ? { formerly } : {}),
    check(node, ctx) {
      if (!("RenameStmt" in node)) return;
      const r = node.RenameStmt;
      const kind = r.renameType;
      const hint = kind ? hints[kind] : undefined;
      if (!kind || !hint) return;
      const as = createdKinds[kind];
      if (as && ctx.created.has(as, r.relation?.relname ?? r.subname ?? bareName(r.object))) return;
      const old = r.relation ? qualified(r.relation) : (r.subname ?? objectName(r.object));
      ctx.report({
        location: r.relation?.location,
        message: `renaming ${nouns[kind]} ${old} to ${r.newname} breaks every query of the running version that names it`,
        hint,
      });
    },
  };
}
