import { objectName } from "../ast.ts";
import { stillUsed } from "./_drop.ts";
import type { StatementRule } from "./rule.ts";

export const banDropTrigger: StatementRule = {
  id: "ban-drop-trigger",
  severity: "error",
  description: "drops something the running version may still use",
  check(node, ctx) {
    if (!("DropStmt" in node) || node.DropStmt.removeType !== "OBJECT_TRIGGER") return;
    for (const o of stillUsed(node.DropStmt, ctx.created)) {
      const parts = "List" in o ? (o.List.items ?? []).map(objectName) : [];
      const trigger = parts.at(-1) ?? "";
      const table = parts.slice(0, -1).join(".");
      if (ctx.created.hasTrigger(parts.at(-2) ?? "", trigger)) continue;
      ctx.report({
        message: `dropping trigger ${trigger} on ${table} changes what the running version's writes to ${table} do: whatever the trigger keeps up (a timestamp, an audit row, a column kept in step during expand/contract) silently stops`,
        hint: `contract in a later release: first deploy a version that does the trigger's work itself or no longer needs it, then drop ${trigger}`,
      });
    }
  },
};
