import {
  loadModule,
  parseSync,
  type AlterTableCmd,
  type ColumnDef,
  type Constraint,
  type DropStmt,
  type Node,
  type ObjectType,
  type RangeVar,
  type RawStmt,
  type RenameStmt,
  type TypeName,
} from "libpg-query";
import type { MigrationFinding } from "./finding.ts";

export interface MigrationSource {
  readonly name: string;
  readonly sql: string;
}

let loaded: Promise<void> | undefined;
/** The real Postgres parser (libpg_query, compiled to WebAssembly); loaded once. */
export const loadParser = (): Promise<void> => (loaded ??= loadModule());

type Columns = Map<string, Map<string, string>>;
type Report = (
  rule: string,
  severity: "error" | "warning",
  location: number | undefined,
  message: string,
  hint: string,
) => void;

const typeOf = (t: TypeName | undefined): string => {
  const names = (t?.names ?? [])
    .map((n) => ("String" in n ? (n.String.sval ?? "") : ""))
    .filter((n) => n !== "pg_catalog");
  const mods = (t?.typmods ?? [])
    .map((m) => ("A_Const" in m ? String((m.A_Const as { ival?: { ival?: number } }).ival?.ival ?? "") : ""))
    .filter(Boolean);
  return `${names.join(".")}${mods.length ? `(${mods.join(",")})` : ""}`;
};

/** Type changes that readers and writers of the old version survive, with why. */
function widening(from: string, to: string): string | undefined {
  const v = /^(varchar|bpchar)\((\d+)\)$/;
  const a = v.exec(from);
  const b = v.exec(to);
  if (a && b && a[1] === b[1] && Number(b[2]) >= Number(a[2]))
    return `${from} to ${to} only lengthens the limit`;
  if (a && to === "text") return `${from} to text removes the length limit`;
  const ints = ["int2", "int4", "int8"];
  if (ints.includes(from) && ints.includes(to) && ints.indexOf(to) > ints.indexOf(from))
    return `${from} to ${to} widens the integer; old writers' values still fit`;
  const n = /^numeric\((\d+),(\d+)\)$/;
  const na = n.exec(from);
  const nb = n.exec(to);
  if (na && nb && na[2] === nb[2] && Number(nb[1]) >= Number(na[1]))
    return `${from} to ${to} keeps the scale and raises the precision`;
  return undefined;
}

const volatileDefaults = new Set([
  "random",
  "clock_timestamp",
  "timeofday",
  "gen_random_uuid",
  "uuid_generate_v4",
  "nextval",
]);

function constraintsOf(def: ColumnDef): Constraint[] {
  return (def.constraints ?? [])
    .map((c) => ("Constraint" in c ? c.Constraint : undefined))
    .filter((c): c is Constraint => c !== undefined);
}

function funcName(node: Node | undefined): string | undefined {
  if (!node || !("FuncCall" in node)) return undefined;
  const names = node.FuncCall.funcname ?? [];
  const last = names[names.length - 1];
  return last && "String" in last ? last.String.sval : undefined;
}

const nouns: Partial<Record<ObjectType, string>> = {
  OBJECT_TABLE: "table",
  OBJECT_FOREIGN_TABLE: "foreign table",
  OBJECT_VIEW: "view",
  OBJECT_MATVIEW: "materialized view",
  OBJECT_SEQUENCE: "sequence",
  OBJECT_INDEX: "index",
  OBJECT_TYPE: "type",
  OBJECT_DOMAIN: "domain",
  OBJECT_FUNCTION: "function",
  OBJECT_PROCEDURE: "procedure",
  OBJECT_ROUTINE: "routine",
  OBJECT_AGGREGATE: "aggregate",
  OBJECT_SCHEMA: "schema",
  OBJECT_TRIGGER: "trigger",
  OBJECT_EXTENSION: "extension",
};

const names = (list: Node[] | undefined): string =>
  (list ?? []).map((n) => ("String" in n ? (n.String.sval ?? "") : "")).join(".");

const qualified = (r: RangeVar): string =>
  r.schemaname ? `${r.schemaname}.${r.relname}` : (r.relname ?? "");

/** How a drop, rename or SET SCHEMA names its object: a name, a qualified name, a type, a function with its arguments. */
function objectName(node: Node | undefined): string {
  if (!node) return "";
  if ("String" in node) return node.String.sval ?? "";
  if ("List" in node) return names(node.List.items);
  if ("TypeName" in node) return names(node.TypeName.names);
  if ("ObjectWithArgs" in node) {
    const f = node.ObjectWithArgs;
    return `${names(f.objname)}${f.args_unspecified ? "" : `(${(f.objargs ?? []).map((a) => ("TypeName" in a ? typeOf(a.TypeName) : "")).join(", ")})`}`;
  }
  return "";
}

/** What a drop breaks, by kind: the rule and what the running version does with the object. */
const dropRules: Partial<Record<ObjectType, { rule: string; uses: string }>> = {
  OBJECT_TABLE: { rule: "ban-drop-table", uses: "reads or writes it" },
  OBJECT_FOREIGN_TABLE: { rule: "ban-drop-table", uses: "reads or writes it" },
  OBJECT_VIEW: { rule: "ban-drop-view", uses: "reads it" },
  OBJECT_MATVIEW: { rule: "ban-drop-materialized-view", uses: "reads it" },
  OBJECT_FUNCTION: { rule: "ban-drop-function", uses: "calls it" },
  OBJECT_PROCEDURE: { rule: "ban-drop-function", uses: "calls it" },
  OBJECT_ROUTINE: { rule: "ban-drop-function", uses: "calls it" },
  OBJECT_AGGREGATE: { rule: "ban-drop-function", uses: "calls it" },
  OBJECT_TYPE: { rule: "ban-drop-type", uses: "casts to it or stores it" },
  OBJECT_DOMAIN: { rule: "ban-drop-domain", uses: "casts to it or stores it" },
  OBJECT_SEQUENCE: {
    rule: "ban-drop-sequence",
    uses: "takes numbers from it (nextval, and the column defaults that call it)",
  },
  OBJECT_SCHEMA: { rule: "ban-drop-schema", uses: "uses anything in it" },
  OBJECT_EXTENSION: { rule: "ban-drop-extension", uses: "uses its functions, types or operators" },
};

function dropped(d: DropStmt, report: Report): void {
  const kind = d.removeType;
  const noun = (kind && nouns[kind]) ?? "object";
  const objects = d.objects ?? [];
  if (kind === "OBJECT_TRIGGER") {
    for (const o of objects) {
      const parts = "List" in o ? (o.List.items ?? []).map(objectName) : [];
      const trigger = parts.at(-1) ?? "";
      const table = parts.slice(0, -1).join(".");
      report(
        "ban-drop-trigger",
        "error",
        undefined,
        `dropping trigger ${trigger} on ${table} changes what the running version's writes to ${table} do: whatever the trigger keeps up (a timestamp, an audit row, a column kept in step during expand/contract) silently stops`,
        `contract in a later release: first deploy a version that does the trigger's work itself or no longer needs it, then drop ${trigger}`,
      );
    }
    return;
  }
  const rule = kind ? dropRules[kind] : undefined;
  if (rule) {
    const what = `${noun} ${objects.map(objectName).join(", ")}`;
    report(
      rule.rule,
      "error",
      undefined,
      `dropping ${what} breaks the running version wherever it ${rule.uses}${d.behavior === "DROP_CASCADE" ? "; CASCADE also drops everything that depends on it" : ""}`,
      `contract in a later release: first deploy a version that no longer uses ${what}, then drop it`,
    );
  }
  if (kind === "OBJECT_INDEX" && !d.concurrent) {
    report(
      "require-concurrent-index-deletion",
      "warning",
      undefined,
      "DROP INDEX without CONCURRENTLY takes an exclusive lock on its table",
      "DROP INDEX CONCURRENTLY",
    );
  }
}

/** Renames the running version's queries see, by kind: the rule and the safe way. Indexes, triggers and constraints are not named by queries. */
const renameRules: Partial<Record<ObjectType, { rule: string; hint: string }>> = {
  OBJECT_TABLE: {
    rule: "renaming-table",
    hint: "expand/contract: create the new table (or a view with the new name), write to both, move readers, then drop the old one",
  },
  OBJECT_FOREIGN_TABLE: {
    rule: "renaming-table",
    hint: "create the foreign table under the new name beside the old one, move the running version to it, and drop the old one in a later release",
  },
  OBJECT_VIEW: {
    rule: "renaming-view",
    hint: "create the view under the new name beside the old one, move the readers to it, and drop the old one in a later release",
  },
  OBJECT_MATVIEW: {
    rule: "renaming-materialized-view",
    hint: "create a view with the new name over the old one (or a second materialized view), move the readers to it, and rename or drop the old one in a later release",
  },
  OBJECT_SEQUENCE: {
    rule: "renaming-sequence",
    hint: "first deploy a version that no longer names the sequence (let the column default call nextval), then rename it",
  },
  OBJECT_TYPE: {
    rule: "renaming-type",
    hint: "first deploy a version that no longer names the type (in casts or declarations), then rename it",
  },
  OBJECT_DOMAIN: {
    rule: "renaming-domain",
    hint: "first deploy a version that no longer names the domain (in casts or declarations), then rename it",
  },
  OBJECT_SCHEMA: {
    rule: "renaming-schema",
    hint: "first deploy a version that does not qualify names with the schema and whose search_path lists both names (a missing one is skipped), then rename it",
  },
  OBJECT_FUNCTION: {
    rule: "renaming-function",
    hint: "create the function under the new name beside the old one (the old one can call it), move the callers, and drop the old one in a later release",
  },
  OBJECT_PROCEDURE: {
    rule: "renaming-function",
    hint: "create the procedure under the new name beside the old one (the old one can call it), move the callers, and drop the old one in a later release",
  },
  OBJECT_ROUTINE: {
    rule: "renaming-function",
    hint: "create the routine under the new name beside the old one (the old one can call it), move the callers, and drop the old one in a later release",
  },
  OBJECT_AGGREGATE: {
    rule: "renaming-function",
    hint: "create the aggregate under the new name beside the old one, move the callers, and drop the old one in a later release",
  },
};

function renamed(r: RenameStmt, columns: Columns, report: Report): void {
  if (r.renameType === "OBJECT_COLUMN" || r.renameType === "OBJECT_ATTRIBUTE") {
    report(
      "renaming-column",
      "error",
      r.relation?.location,
      `renaming ${r.relation?.relname}.${r.subname} to ${r.newname} breaks the running version's queries that use ${r.subname}`,
      "expand/contract: add the new column, write both, backfill, move readers, then drop the old column",
    );
    const cols = columns.get(r.relation?.relname ?? "");
    const type = cols?.get(r.subname ?? "");
    if (cols && type !== undefined) {
      cols.delete(r.subname ?? "");
      cols.set(r.newname ?? "", type);
    }
    return;
  }
  const kind = r.renameType;
  const rule = kind ? renameRules[kind] : undefined;
  if (!rule || !kind) return;
  const old = r.relation ? qualified(r.relation) : (r.subname ?? objectName(r.object));
  report(
    rule.rule,
    "error",
    r.relation?.location,
    `renaming ${nouns[kind]} ${old} to ${r.newname} breaks every query of the running version that names it`,
    rule.hint,
  );
}

/**
 * Static check of migration files with the real Postgres parser: what would break the version
 * that is running (errors), and what would lock or rewrite a busy table (warnings).
 * `history` is every earlier file of the service, applied already: it tells column types and
 * which tables are new.
 */
export async function lintMigrations(
  pending: readonly MigrationSource[],
  history: readonly MigrationSource[] = [],
): Promise<MigrationFinding[]> {
  await loadParser();
  const columns: Columns = new Map();
  for (const file of history) {
    try {
      for (const raw of parseSync(file.sql).stmts ?? []) track(raw, columns, new Set(), () => undefined);
    } catch {
      // an applied file that no longer parses is not this check's business
    }
  }
  // Tables the pending files create are new: nobody runs against them yet.
  const created = new Set<string>();
  const findings: MigrationFinding[] = [];
  for (const file of pending) findings.push(...lintFile(file, columns, created));
  return findings;
}

function lineColumn(sql: string, offset: number): { line: number; column: number } {
  const before = Buffer.from(sql, "utf8").subarray(0, offset).toString("utf8").split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function lintFile(file: MigrationSource, columns: Columns, created: Set<string>): MigrationFinding[] {
  const findings: MigrationFinding[] = [];
  let stmts: RawStmt[];
  try {
    stmts = parseSync(file.sql).stmts ?? [];
  } catch (error) {
    const cursor = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    const at = lineColumn(file.sql, cursor);
    return [
      {
        rule: "syntax-error",
        severity: "error",
        file: file.name,
        ...at,
        message: `Postgres cannot parse this file: ${(error as Error).message}`,
        hint: "fix the SQL",
      },
    ];
  }
  const suppressions = parseSuppressions(file.sql);
  // Set by a statement before the one that needs it: a SET further down protects nothing above it.
  let lockTimeout = false;
  let warnedLockTimeout = false;
  for (const raw of stmts) {
    const start = raw.stmt_location ?? 0;
    const report: Report = (rule, severity, location, message, hint) => {
      const at = lineColumn(file.sql, location ?? firstToken(file.sql, start));
      const suppression = suppressions.find(
        (s) =>
          (s.rule === rule || formerly[rule] === s.rule) &&
          s.line < at.line &&
          s.line >= lineColumn(file.sql, start).line - 3,
      );
      findings.push({
        rule,
        severity,
        file: file.name,
        ...at,
        message,
        hint,
        ...(suppression ? { suppressed: suppression.reason } : {}),
      });
    };
    lockTimeout = setsLockTimeout(raw.stmt) ?? lockTimeout;
    const locked = lockedRelation(raw.stmt, created);
    track(raw, columns, created, report);
    if (locked && !lockTimeout && !warnedLockTimeout) {
      warnedLockTimeout = true;
      report(
        "missing-lock-timeout",
        "warning",
        undefined,
        `${locked.byForeignKey ? `its foreign key locks ${locked.relation}` : `this locks ${locked.relation}`}, which exists already, without a lock_timeout set before it: while it waits for the lock (behind any long transaction), every ${locked.blocks === "write" ? "write to" : "query on"} ${locked.relation} queues behind it`,
        "start the file with SET lock_timeout = '5s'; (SET LOCAL works too) and retry on timeout",
      );
    }
  }
  for (const s of suppressions.filter((s) => !s.reason)) {
    findings.push({
      rule: "suppression-without-reason",
      severity: "error",
      file: file.name,
      line: s.line,
      column: 1,
      message: `-- slipway:allow ${s.rule} needs a reason`,
      hint: `write: -- slipway:allow ${s.rule} reason: why this is safe`,
    });
  }
  return findings;
}

/** Rules that were reported under another name: a suppression with the old name still counts. */
const formerly: Record<string, string> = {
  "renaming-view": "renaming-table",
  "renaming-type": "renaming-table",
};

function firstToken(sql: string, from: number): number {
  const rest = Buffer.from(sql, "utf8").subarray(from).toString("utf8");
  const skipped = /^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/.exec(rest)?.[0] ?? "";
  return from + Buffer.byteLength(skipped, "utf8");
}

function parseSuppressions(sql: string): { rule: string; reason: string; line: number }[] {
  return sql.split("\n").flatMap((text, i) => {
    const m = /--\s*slipway:allow\s+([a-z-]+)(?:\s+reason:\s*(.+))?/.exec(text);
    return m ? [{ rule: m[1] ?? "", reason: (m[2] ?? "").trim(), line: i + 1 }] : [];
  });
}

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
 * not count. Call it before `track` records what the statement creates.
 */
function lockedRelation(node: Node | undefined, created: ReadonlySet<string>): Locked | undefined {
  if (!node) return undefined;
  const find = (...names: (string | undefined)[]): string | undefined =>
    names.find((n): n is string => n !== undefined && n !== "" && !created.has(n));
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

/** Applies one statement to the schema model, reporting what it breaks. */
function track(raw: RawStmt, columns: Columns, created: Set<string>, report: Report): void {
  const node = raw.stmt;
  if (!node) return;
  if ("CreateStmt" in node) {
    const table = node.CreateStmt.relation?.relname ?? "";
    const cols = new Map<string, string>();
    for (const elt of node.CreateStmt.tableElts ?? [])
      if ("ColumnDef" in elt) cols.set(elt.ColumnDef.colname ?? "", typeOf(elt.ColumnDef.typeName));
    columns.set(table, cols);
    created.add(table);
    return;
  }
  const made =
    ("CreateTableAsStmt" in node && node.CreateTableAsStmt.into?.rel) ||
    ("ViewStmt" in node && node.ViewStmt.view) ||
    ("CreateSeqStmt" in node && node.CreateSeqStmt.sequence) ||
    undefined;
  if (made) {
    created.add(made.relname ?? "");
    return;
  }
  if ("IndexStmt" in node) {
    const table = node.IndexStmt.relation?.relname ?? "";
    if (node.IndexStmt.idxname) created.add(node.IndexStmt.idxname);
    if (!node.IndexStmt.concurrent && !created.has(table)) {
      report(
        "require-concurrent-index-creation",
        "warning",
        node.IndexStmt.relation?.location,
        `CREATE INDEX on ${table} without CONCURRENTLY blocks writes to it while the index builds`,
        "CREATE INDEX CONCURRENTLY (Slipway runs such a file outside a transaction)",
      );
    }
    return;
  }
  if ("DropStmt" in node) {
    dropped(node.DropStmt, report);
    return;
  }
  if ("DropdbStmt" in node) {
    const db = node.DropdbStmt.dbname ?? "";
    report(
      "ban-drop-database",
      "error",
      undefined,
      `dropping database ${db} removes every table, view and function of it the running version uses`,
      `contract in a later release: first deploy a version that no longer uses ${db}, then drop it`,
    );
    return;
  }
  if ("RenameStmt" in node) {
    renamed(node.RenameStmt, columns, report);
    return;
  }
  if ("AlterObjectSchemaStmt" in node) {
    const m = node.AlterObjectSchemaStmt;
    const noun = (m.objectType && nouns[m.objectType]) ?? "object";
    const name = m.relation ? qualified(m.relation) : objectName(m.object);
    report(
      "ban-set-schema",
      "error",
      m.relation?.location,
      `moving ${noun} ${name} to schema ${m.newschema} breaks the running version wherever it names ${noun === "extension" ? "its functions and types" : "it"} by the old schema or finds ${noun === "extension" ? "them" : "it"} through search_path`,
      `first deploy a version that does not qualify ${name} and whose search_path lists both schemas (a missing one is skipped), then move it`,
    );
    return;
  }
  if ("AlterEnumStmt" in node && node.AlterEnumStmt.oldVal) {
    const e = node.AlterEnumStmt;
    const type = names(e.typeName);
    report(
      "removing-enum-value",
      "error",
      undefined,
      `renaming value '${e.oldVal}' of enum ${type} to '${e.newVal}' removes '${e.oldVal}': the running version's writes of it fail, and it reads '${e.newVal}', which it does not know`,
      `ALTER TYPE ${type} ADD VALUE '${e.newVal}', deploy a version that writes '${e.newVal}' and reads both, then update the rows; Postgres cannot drop an enum value, so '${e.oldVal}' stays until the type is replaced`,
    );
    return;
  }
  if ("AlterTableStmt" in node) {
    const table = node.AlterTableStmt.relation?.relname ?? "";
    const isExisting = !created.has(table);
    for (const cmdNode of node.AlterTableStmt.cmds ?? []) {
      if (!("AlterTableCmd" in cmdNode)) continue;
      alterTable(
        cmdNode.AlterTableCmd,
        table,
        node.AlterTableStmt.relation?.location,
        columns,
        isExisting,
        report,
      );
    }
    return;
  }
}

function alterTable(
  cmd: AlterTableCmd,
  table: string,
  location: number | undefined,
  columns: Columns,
  isExisting: boolean,
  report: Report,
): void {
  const cols = columns.get(table) ?? new Map<string, string>();
  columns.set(table, cols);
  const name = cmd.name ?? "";
  switch (cmd.subtype) {
    case "AT_DropColumn":
      report(
        "ban-drop-column",
        "error",
        location,
        `dropping ${table}.${name} breaks the running version wherever it reads or writes ${name}`,
        `contract in a later release: deploy a version that no longer uses ${name} first (the dynamic proof then shows no live query touches it), then drop it`,
      );
      cols.delete(name);
      return;
    case "AT_AlterColumnType": {
      const def = cmd.def && "ColumnDef" in cmd.def ? cmd.def.ColumnDef : undefined;
      const to = typeOf(def?.typeName);
      const from = cols.get(name);
      const widens = from ? widening(from, to) : undefined;
      if (widens) {
        report(
          "changing-column-type",
          "warning",
          location,
          `${table}.${name}: ${widens}, so the running version keeps working; the table may be rewritten under an exclusive lock`,
          "run it at a quiet time, or add a new column and backfill it in batches",
        );
      } else {
        report(
          "changing-column-type",
          "error",
          location,
          `changing ${table}.${name}${from ? ` from ${from}` : ""} to ${to} breaks the running version's reads and writes of ${name}, and rewrites the table`,
          `expand/contract: add ${name}_new as ${to}, write both, backfill, move readers, drop ${name} later`,
        );
      }
      cols.set(name, to);
      return;
    }
    case "AT_SetNotNull":
      report(
        "setting-not-null",
        "error",
        location,
        `SET NOT NULL on ${table}.${name}: inserts of the running version that leave ${name} empty start failing, and the check scans the table under an exclusive lock`,
        `add CHECK (${name} IS NOT NULL) NOT VALID, VALIDATE it, and set NOT NULL once every writer sets ${name}`,
      );
      return;
    case "AT_ColumnDefault":
      if (!cmd.def) {
        report(
          "dropping-default",
          "error",
          location,
          `dropping the default of ${table}.${name}: the running version's inserts that rely on it start failing or store NULL`,
          "keep the default until no running version inserts without the column",
        );
      }
      return;
    case "AT_AddColumn": {
      const def = cmd.def && "ColumnDef" in cmd.def ? cmd.def.ColumnDef : undefined;
      if (!def) return;
      const constraints = constraintsOf(def);
      const notNull = constraints.some((c) => c.contype === "CONSTR_NOTNULL") || def.is_not_null === true;
      const dflt = constraints.find((c) => c.contype === "CONSTR_DEFAULT");
      if (notNull && !dflt && isExisting) {
        report(
          "adding-not-nullable-field",
          "error",
          location,
          `adding NOT NULL column ${table}.${def.colname} without a default: it fails on a table with rows, and the running version's inserts do not set it`,
          "add it nullable (or with a default), backfill, then add the NOT NULL constraint in a later release",
        );
      }
      const fn = funcName(dflt?.raw_expr);
      if (fn && volatileDefaults.has(fn) && isExisting) {
        report(
          "volatile-default",
          "warning",
          location,
          `the default ${fn}() is volatile: adding ${table}.${def.colname} rewrites the whole table under an exclusive lock`,
          "add the column without a default, set the default afterwards, and backfill in batches",
        );
      }
      cols.set(def.colname ?? "", typeOf(def.typeName));
      return;
    }
    case "AT_AddConstraint": {
      const c = cmd.def && "Constraint" in cmd.def ? cmd.def.Constraint : undefined;
      if (
        c &&
        isExisting &&
        (c.contype === "CONSTR_FOREIGN" || c.contype === "CONSTR_CHECK") &&
        !c.skip_validation
      ) {
        report(
          "constraint-missing-not-valid",
          "warning",
          location,
          `adding a ${c.contype === "CONSTR_FOREIGN" ? "foreign key" : "check constraint"} on ${table} validates every row while holding a lock`,
          "add it NOT VALID, then VALIDATE CONSTRAINT in a separate statement",
        );
      }
      return;
    }
    default:
      return;
  }
}
