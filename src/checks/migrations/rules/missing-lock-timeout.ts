import type { Node, ObjectType } from "libpg-query";
import { funcName, objectName } from "../ast.ts";
import type { RuleContext, StatementRule } from "./rule.ts";

/** Whether a statement turns lock_timeout on (true) or off (false: 0, DEFAULT, RESET); undefined when it does not touch it. */
function setsLockTimeout(node: Node | undefined): boolean | undefined {
  const on = (value: Node | undefined): boolean => {
    const c = value && "A_Const" in value ? value.A_Const : undefined;
    if (c?.sval) return !/^\s*0*(\.0*)?\s*[a-z]*\s*$/i.test(c.sval.sval ?? "");
    return (c?.ival?.ival ?? 0) !== 0 || Number(c?.fval?.fval ?? 0) !== 0;
  };
  if (node && "VariableSetStmt" in node) {
    const v = node.VariableSetStmt;
    if (v.kind === "VAR_RESET_ALL") return false;
    if (v.name !== "lock_timeout") return undefined;
    return v.kind === "VAR_SET_VALUE" && on(v.args?.[0]);
  }
  if (node && "SelectStmt" in node) {
    for (const t of node.SelectStmt.targetList ?? []) {
      const call = "ResTarget" in t ? t.ResTarget.val : undefined;
      if (funcName(call) !== "set_config" || !call || !("FuncCall" in call)) continue;
      const [name, value] = call.FuncCall.args ?? [];
      if (name && "A_Const" in name && name.A_Const.sval?.sval === "lock_timeout") return on(value);
    }
  }
  return undefined;
}

/** Whether the statements before this one leave a lock_timeout set: a SET further down protects nothing above it. */
const lockTimeoutSet = (ctx: RuleContext): boolean =>
  ctx.statements.slice(0, ctx.index).reduce<boolean>((set, s) => setsLockTimeout(s.stmt) ?? set, false);

const relname = (r: Node): string | undefined => ("RangeVar" in r ? r.RangeVar.relname : undefined);

/** The tables a statement's foreign keys reference: adding one locks the referenced table too. */
function referencedTables(constraints: readonly Node[]): string[] {
  return constraints.flatMap((c) =>
    "Constraint" in c && c.Constraint.contype === "CONSTR_FOREIGN" && c.Constraint.pktable?.relname
      ? [c.Constraint.pktable.relname]
      : [],
  );
}

interface Locked {
  readonly relation: string;
  /** Locked as the table a new foreign key references, not as the statement's own. */
  readonly byForeignKey: boolean;
  /** What queues behind the lock while it waits: every query (ACCESS EXCLUSIVE), or every write (SHARE, SHARE ROW EXCLUSIVE). */
  readonly blocks: "query" | "write";
}

/**
 * The relation the running version uses that a statement locks (ALTER, non-concurrent index
 * builds and drops, DROP, RENAME, SET SCHEMA, TRUNCATE, CREATE TRIGGER, REFRESH, CLUSTER, VACUUM
 * FULL, REINDEX, LOCK, and foreign keys to it), if any; relations the pending files created do
 * not count.
 */
function lockedRelation(node: Node, created: RuleContext["created"]): Locked | undefined {
  const find = (...names: (string | undefined)[]): string | undefined =>
    names.find((n): n is string => n !== undefined && n !== "" && !created.has("relation", n));
  const existing = (...names: (string | undefined)[]): Locked | undefined => {
    const relation = find(...names);
    return relation ? { relation, byForeignKey: false, blocks: "query" } : undefined;
  };
  const writes = (locked: Locked | undefined): Locked | undefined =>
    locked ? { ...locked, blocks: "write" } : undefined;
  const referenced = (constraints: readonly Node[]): Locked | undefined => {
    const relation = find(...referencedTables(constraints));
    return relation ? { relation, byForeignKey: true, blocks: "write" } : undefined;
  };
  const lastName = (o: Node): string | undefined =>
    "List" in o ? objectName(o.List.items?.at(-1)) : undefined;
  if ("CreateStmt" in node) {
    const elts = node.CreateStmt.tableElts ?? [];
    return referenced([
      ...elts.filter((e) => "Constraint" in e),
      ...elts.flatMap((e) => ("ColumnDef" in e ? (e.ColumnDef.constraints ?? []) : [])),
    ]);
  }
  if ("AlterTableStmt" in node) {
    const a = node.AlterTableStmt;
    const defs = (a.cmds ?? []).flatMap((c) =>
      "AlterTableCmd" in c && c.AlterTableCmd.def ? [c.AlterTableCmd.def] : [],
    );
    return (
      existing(a.relation?.relname) ??
      referenced([...defs, ...defs.flatMap((d) => ("ColumnDef" in d ? (d.ColumnDef.constraints ?? []) : []))])
    );
  }
  if ("IndexStmt" in node)
    return node.IndexStmt.concurrent ? undefined : writes(existing(node.IndexStmt.relation?.relname));
  if ("DropStmt" in node) {
    const d = node.DropStmt;
    const objects = d.objects ?? [];
    if (d.removeType === "OBJECT_TRIGGER")
      return existing(...objects.map((o) => ("List" in o ? objectName(o.List.items?.at(-2)) : undefined)));
    const relations: (ObjectType | undefined)[] = [
      "OBJECT_TABLE",
      "OBJECT_FOREIGN_TABLE",
      "OBJECT_VIEW",
      "OBJECT_MATVIEW",
      "OBJECT_SEQUENCE",
      "OBJECT_INDEX",
    ];
    if (!relations.includes(d.removeType) || d.concurrent) return undefined;
    return existing(...objects.map(lastName));
  }
  if ("RenameStmt" in node)
    return node.RenameStmt.renameType === "OBJECT_ATTRIBUTE"
      ? undefined
      : existing(node.RenameStmt.relation?.relname);
  if ("AlterObjectSchemaStmt" in node) return existing(node.AlterObjectSchemaStmt.relation?.relname);
  if ("TruncateStmt" in node) return existing(...(node.TruncateStmt.relations ?? []).map(relname));
  if ("LockStmt" in node) return existing(...(node.LockStmt.relations ?? []).map(relname));
  if ("CreateTrigStmt" in node) return writes(existing(node.CreateTrigStmt.relation?.relname));
  if ("RefreshMatViewStmt" in node)
    return node.RefreshMatViewStmt.concurrent
      ? undefined
      : existing(node.RefreshMatViewStmt.relation?.relname);
  if ("ClusterStmt" in node) return existing(node.ClusterStmt.relation?.relname);
  if ("ReindexStmt" in node) {
    const r = node.ReindexStmt;
    const concurrently = (r.params ?? []).some((p) => "DefElem" in p && p.DefElem.defname === "concurrently");
    if (concurrently) return undefined;
    return r.kind === "REINDEX_OBJECT_TABLE"
      ? writes(existing(r.relation?.relname))
      : existing(r.relation?.relname);
  }
  if ("VacuumStmt" in node) {
    const v = node.VacuumStmt;
    const full = (v.options ?? []).some((o) => "DefElem" in o && o.DefElem.defname === "full");
    return full
      ? existing(
          ...(v.rels ?? []).map((r) =>
            "VacuumRelation" in r ? r.VacuumRelation.relation?.relname : undefined,
          ),
        )
      : undefined;
  }
  return undefined;
}

/** Reported once per file: the first statement says it, the fix (one SET at the top) covers them all. */
export const missingLockTimeout: StatementRule = {
  id: "missing-lock-timeout",
  severity: "warning",
  description: "takes a lock on an existing table without a lock_timeout",
  check(node, ctx) {
    if (ctx.reportedInFile) return;
    const locked = lockedRelation(node, ctx.created);
    if (!locked || lockTimeoutSet(ctx)) return;
    ctx.report({
      message: `${locked.byForeignKey ? `its foreign key locks ${locked.relation}` : `this locks ${locked.relation}`}, which exists already, without a lock_timeout set before it: while it waits for the lock (behind any long transaction), every ${locked.blocks === "write" ? "write to" : "query on"} ${locked.relation} queues behind it`,
      hint: "start the file with SET lock_timeout = '5s'; (SET LOCAL works too) and retry on timeout",
    });
  },
};
