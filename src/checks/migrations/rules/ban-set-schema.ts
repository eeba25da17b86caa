import { isCreated, nouns, objectName, qualified } from "../ast.ts";
import type { StatementRule } from "./rule.ts";

export const banSetSchema: StatementRule = {
  id: "ban-set-schema",
  severity: "error",
  description: "moves to another schema something the running version names by its schema",
  check(node, ctx) {
    if (!("AlterObjectSchemaStmt" in node)) return;
    const m = node.AlterObjectSchemaStmt;
    const isNew = m.relation
      ? ctx.created.has("relation", m.relation.relname ?? "")
      : isCreated(ctx.created, m.objectType, m.object);
    if (isNew) return;
    const noun = (m.objectType && nouns[m.objectType]) ?? "object";
    const name = m.relation ? qualified(m.relation) : objectName(m.object);
    ctx.report({
      location: m.relation?.location,
      message: `moving ${noun} ${name} to schema ${m.newschema} breaks the running version wherever it names ${noun === "extension" ? "its functions and types" : "it"} by the old schema or finds ${noun === "extension" ? "them" : "it"} through search_path`,
      hint: `first deploy a version that does not qualify ${name} and whose search_path lists both schemas (a missing one is skipped), then move it`,
    });
  },
};
