import {
  loadModule,
  parseSync,
  type AlterTableCmd,
  type ColumnDef,
  type Constraint,
  type Node,
  type RawStmt,
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
  const setsLockTimeout = /\bset\s+(local\s+)?lock_timeout\b/i.test(file.sql);
  let warnedLockTimeout = false;
  for (const raw of stmts) {
    const start = raw.stmt_location ?? 0;
    const report: Report = (rule, severity, location, message, hint) => {
      const at = lineColumn(file.sql, location ?? firstToken(file.sql, start));
      const suppression = suppressions.find(
        (s) => s.rule === rule && s.line < at.line && s.line >= lineColumn(file.sql, start).line - 3,
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
    const touchesExisting = track(raw, columns, created, report);
    if (touchesExisting && !setsLockTimeout && !warnedLockTimeout) {
      warnedLockTimeout = true;
      report(
        "missing-lock-timeout",
        "warning",
        undefined,
        "this changes an existing table without a lock_timeout: waiting for its lock, it queues every query behind it",
        "start the file with SET lock_timeout = '5s'; and retry on timeout",
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

/** Applies one statement to the schema model, reporting what it breaks. Returns whether it alters an existing table. */
function track(raw: RawStmt, columns: Columns, created: Set<string>, report: Report): boolean {
  const node = raw.stmt;
  if (!node) return false;
  if ("CreateStmt" in node) {
    const table = node.CreateStmt.relation?.relname ?? "";
    const cols = new Map<string, string>();
    for (const elt of node.CreateStmt.tableElts ?? [])
      if ("ColumnDef" in elt) cols.set(elt.ColumnDef.colname ?? "", typeOf(elt.ColumnDef.typeName));
    columns.set(table, cols);
    created.add(table);
    return false;
  }
  if ("IndexStmt" in node) {
    const table = node.IndexStmt.relation?.relname ?? "";
    if (!node.IndexStmt.concurrent && !created.has(table)) {
      report(
        "require-concurrent-index-creation",
        "warning",
        node.IndexStmt.relation?.location,
        `CREATE INDEX on ${table} without CONCURRENTLY blocks writes to it while the index builds`,
        "CREATE INDEX CONCURRENTLY (Slipway runs such a file outside a transaction)",
      );
    }
    return !created.has(table);
  }
  if ("DropStmt" in node) {
    const kind = node.DropStmt.removeType;
    const rules: Record<string, [string, string]> = {
      OBJECT_TABLE: ["ban-drop-table", "table"],
      OBJECT_VIEW: ["ban-drop-view", "view"],
      OBJECT_FUNCTION: ["ban-drop-function", "function"],
      OBJECT_TYPE: ["ban-drop-type", "type"],
    };
    const rule = kind ? rules[kind] : undefined;
    if (rule) {
      report(
        rule[0],
        "error",
        undefined,
        `dropping a ${rule[1]} breaks the running version wherever it still uses it`,
        `contract in a later release: first deploy a version that no longer uses the ${rule[1]}, then drop it`,
      );
    }
    if (kind === "OBJECT_INDEX" && !node.DropStmt.concurrent) {
      report(
        "require-concurrent-index-deletion",
        "warning",
        undefined,
        "DROP INDEX without CONCURRENTLY takes an exclusive lock on its table",
        "DROP INDEX CONCURRENTLY",
      );
    }
    return false;
  }
  if ("RenameStmt" in node) {
    const r = node.RenameStmt;
    if (r.renameType === "OBJECT_TABLE") {
      report(
        "renaming-table",
        "error",
        r.relation?.location,
        `renaming ${r.relation?.relname} to ${r.newname} breaks every query of the running version that names it`,
        "expand/contract: create the new table (or a view with the new name), write to both, move readers, then drop the old one",
      );
    } else if (r.renameType === "OBJECT_COLUMN") {
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
    } else if (r.renameType === "OBJECT_TYPE" || r.renameType === "OBJECT_VIEW") {
      report(
        "renaming-table",
        "error",
        undefined,
        `renaming ${r.renameType === "OBJECT_VIEW" ? "a view" : "a type"} breaks the running version where it uses the old name`,
        "add the new name beside the old one, and drop the old one in a later release",
      );
    }
    return false;
  }
  if ("AlterEnumStmt" in node && node.AlterEnumStmt.oldVal) {
    report(
      "removing-enum-value",
      "error",
      undefined,
      `renaming enum value '${node.AlterEnumStmt.oldVal}' removes it: the running version still writes it`,
      "add the new value, move the writers, and remove the old one only when nothing uses it",
    );
    return false;
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
    return isExisting;
  }
  return false;
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
