import type { StatementRule } from "./rule.ts";

export const banDropDatabase: StatementRule = {
  id: "ban-drop-database",
  severity: "error",
  description: "drops something the running version may still use",
  check(node, ctx) {
    if (!("DropdbStmt" in node)) return;
    const db = node.DropdbStmt.dbname ?? "";
    ctx.report({
      message: `dropping database ${db} removes every table, view and function of it the running version uses`,
      hint: `contract in a later release: first deploy a version that no longer uses ${db}, then drop it`,
    });
  },
};
