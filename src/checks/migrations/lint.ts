// The migration check's driver: parses each pending file with the real Postgres parser, walks its
// statements over the schema model, and asks every rule (./rules/) about each; then applies
// suppressions. The rules themselves live one per file under ./rules/.
import { parseSync, type RawStmt } from "libpg-query";
import { Created } from "./created.ts";
import type { MigrationFinding } from "./finding.ts";
import { loadParser } from "./parser.ts";
import {
  rules,
  type AlterTableRule,
  type MigrationRule,
  type RuleContext,
  type RuleReport,
  type StatementRule,
} from "./rules/index.ts";
import { applyStatement, emptySchema, type Schema } from "./schema-model.ts";

export interface MigrationSource {
  readonly name: string;
  readonly sql: string;
}

export { loadParser };

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
  const schema = emptySchema();
  for (const file of history) {
    try {
      // What the applied files created, the running version may use: none of it counts as new.
      for (const raw of parseSync(file.sql).stmts ?? []) applyStatement(raw.stmt, schema, new Created());
    } catch {
      // an applied file that no longer parses is not this check's business
    }
  }
  // What any pending file creates is new: nobody runs against it yet, whichever later file changes it.
  const created = new Created();
  const findings: MigrationFinding[] = [];
  for (const file of pending) findings.push(...lintFile(file, schema, created));
  return findings;
}

function lineColumn(sql: string, offset: number): { line: number; column: number } {
  const before = Buffer.from(sql, "utf8").subarray(0, offset).toString("utf8").split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

const statementRules = rules.filter((r): r is StatementRule => "check" in r);
const alterTableRules = rules.filter((r): r is AlterTableRule => "checkAlterTable" in r);

/** Where in the registry a rule's findings on one statement go: those of ALTER TABLE subcommands stay in subcommand order. */
const firstAlterTableRule = rules.findIndex((r) => "checkAlterTable" in r);
const placeOf = (rule: MigrationRule): number =>
  "checkAlterTable" in rule ? firstAlterTableRule : rules.indexOf(rule);

function lintFile(file: MigrationSource, schema: Schema, created: Created): MigrationFinding[] {
  const findings: MigrationFinding[] = [];
  let statements: RawStmt[];
  try {
    statements = parseSync(file.sql).stmts ?? [];
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
  // A file runs in one transaction: NOT VALID only helps when VALIDATE runs in a later one.
  schema.notValidInFile.clear();
  const reported = new Set<string>();
  statements.forEach((raw, index) => {
    const node = raw.stmt;
    if (!node) return;
    const start = raw.stmt_location ?? 0;
    const found: { place: number; finding: MigrationFinding }[] = [];
    // One context for the statement; `asking` is the rule whose check runs (checks report synchronously).
    let asking: MigrationRule = rules[0] as MigrationRule;
    const ctx: RuleContext = {
      schema,
      created,
      statements,
      index,
      get reportedInFile() {
        return reported.has(asking.id);
      },
      report(r: RuleReport) {
        const rule = asking;
        const at = lineColumn(file.sql, r.location ?? firstToken(file.sql, start));
        const suppression = suppressions.find(
          (s) =>
            (s.rule === rule.id || rule.formerly?.includes(s.rule)) &&
            s.line < at.line &&
            s.line >= lineColumn(file.sql, start).line - 3,
        );
        reported.add(rule.id);
        found.push({
          place: placeOf(rule),
          finding: {
            rule: rule.id,
            severity: r.severity ?? rule.severity,
            file: file.name,
            ...at,
            message: r.message,
            hint: r.hint,
            ...(r.subject ? { subject: r.subject } : {}),
            ...(suppression ? { suppressed: suppression.reason } : {}),
          },
        });
      },
    };
    // Statement rules see the schema before the statement; subcommand rules as the earlier subcommands left it.
    for (const rule of statementRules) {
      asking = rule;
      rule.check(node, ctx);
    }
    applyStatement(node, schema, created, (cmd, table, location) => {
      for (const rule of alterTableRules) {
        asking = rule;
        rule.checkAlterTable(cmd, { table, location }, ctx);
      }
    });
    // Stable: findings of one place keep the order they were reported in.
    findings.push(...found.sort((a, b) => a.place - b.place).map((f) => f.finding));
  });
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
