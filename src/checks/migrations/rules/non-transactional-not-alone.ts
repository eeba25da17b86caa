import {
  notAloneHint,
  notAloneMessage,
  transactionOf,
  type FileTransaction,
} from "../../../migrations/transaction-block.ts";
import type { RawStmt } from "libpg-query";
import type { StatementRule } from "./rule.ts";

/** How each file can run, decided once per file rather than once per statement. */
const decided = new WeakMap<readonly RawStmt[], FileTransaction>();

export const nonTransactionalNotAlone: StatementRule = {
  id: "non-transactional-not-alone",
  severity: "error",
  description: "a statement Postgres runs only outside a transaction shares its file with others",
  check(_node, ctx) {
    // Decided as the direct runner decides it, so the check and the run agree.
    const transaction = decided.get(ctx.statements) ?? transactionOf(ctx.statements);
    decided.set(ctx.statements, transaction);
    if (
      transaction.mode !== "refused" ||
      transaction.offset !== (ctx.statements[ctx.index]?.stmt_location ?? 0)
    )
      return;
    ctx.report({ message: notAloneMessage(transaction), hint: notAloneHint(transaction) });
  },
};
