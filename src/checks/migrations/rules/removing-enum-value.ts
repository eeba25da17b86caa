import { names, objectName } from "../ast.ts";
import type { StatementRule } from "./rule.ts";

export const removingEnumValue: StatementRule = {
  id: "removing-enum-value",
  severity: "error",
  description: "removes an enum value the running version may write",
  check(node, ctx) {
    // ALTER TYPE ... RENAME VALUE; ADD VALUE has no old value.
    if (!("AlterEnumStmt" in node) || !node.AlterEnumStmt.oldVal) return;
    const e = node.AlterEnumStmt;
    if (ctx.created.has("type", objectName(e.typeName?.at(-1)))) return;
    const type = names(e.typeName);
    ctx.report({
      message: `renaming value '${e.oldVal}' of enum ${type} to '${e.newVal}' removes '${e.oldVal}': the running version's writes of it fail, and it reads '${e.newVal}', which it does not know`,
      hint: `ALTER TYPE ${type} ADD VALUE '${e.newVal}', deploy a version that writes '${e.newVal}' and reads both, then update the rows; Postgres cannot drop an enum value, so '${e.oldVal}' stays until the type is replaced`,
    });
  },
};
