// What the ban-drop-* rules share: a DROP of something the running version uses, unless the
// pending files created it.
import type { DropStmt, Node, ObjectType } from "libpg-query";
import { isCreated, nouns, objectName } from "../ast.ts";
import type { RuleContext, StatementRule } from "./rule.ts";

/** The objects of a DROP the pending files did not create: what the running version may use. */
export const stillUsed = (d: DropStmt, created: RuleContext["created"]): Node[] =>
  (d.objects ?? []).filter((o) => !isCreated(created, d.removeType, o));

/** A rule against dropping these kinds of object; `uses` says what the running version does with each. */
export function dropRule(id: string, uses: Partial<Record<ObjectType, string>>): StatementRule {
  return {
    id,
    severity: "error",
    description: "drops something the running version may still use",
    check(node, ctx) {
      if (!("DropStmt" in node)) return;
      const d = node.DropStmt;
      const kind = d.removeType;
      const use = kind ? uses[kind] : undefined;
      const objects = stillUsed(d, ctx.created);
      if (!use || !objects.length) return;
      const what = `${(kind && nouns[kind]) ?? "object"} ${objects.map(objectName).join(", ")}`;
      ctx.report({
        message: `dropping ${what} breaks the running version wherever it ${use}${d.behavior === "DROP_CASCADE" ? "; CASCADE also drops everything that depends on it" : ""}`,
        hint: `contract in a later release: first deploy a version that no longer uses ${what}, then drop it`,
      });
    },
  };
}
