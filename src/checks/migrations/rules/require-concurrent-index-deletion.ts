import { stillUsed } from "./_drop.ts";
import type { StatementRule } from "./rule.ts";

export const requireConcurrentIndexDeletion: StatementRule = {
  id: "require-concurrent-index-deletion",
  severity: "warning",
  description: "creates or drops an index without CONCURRENTLY, blocking writes",
  check(node, ctx) {
    if (!("DropStmt" in node)) return;
    const d = node.DropStmt;
    if (d.removeType !== "OBJECT_INDEX" || d.concurrent || !stillUsed(d, ctx.created).length) return;
    ctx.report({
      message: "DROP INDEX without CONCURRENTLY takes an exclusive lock on its table",
      hint: "DROP INDEX CONCURRENTLY",
    });
  },
};
