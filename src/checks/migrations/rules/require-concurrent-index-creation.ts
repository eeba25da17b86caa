import type { StatementRule } from "./rule.ts";

export const requireConcurrentIndexCreation: StatementRule = {
  id: "require-concurrent-index-creation",
  severity: "warning",
  description: "creates or drops an index without CONCURRENTLY, blocking writes",
  check(node, ctx) {
    if (!("IndexStmt" in node)) return;
    const table = node.IndexStmt.relation?.relname ?? "";
    // An index on a table the pending files created locks nothing anyone waits for.
    if (node.IndexStmt.concurrent || ctx.created.has("relation", table)) return;
    ctx.report({
      location: node.IndexStmt.relation?.location,
      message: `CREATE INDEX on ${table} without CONCURRENTLY blocks writes to it while the index builds`,
      hint: "CREATE INDEX CONCURRENTLY, in a file of its own (Slipway runs such a file outside a transaction)",
    });
  },
};
