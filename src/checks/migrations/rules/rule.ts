// The shape of a migration rule: an id, what it is about, and a check the driver (../lint.ts)
// calls per statement (or per ALTER TABLE subcommand) with the schema as it stands before it.
import type { AlterTableCmd, Node, RawStmt } from "libpg-query";
import type { Created } from "../created.ts";
import type { Schema } from "../schema-model.ts";

export type Severity = "error" | "warning";

/** What a rule says about a statement; the driver adds the rule's id, the file, line and column. */
export interface RuleReport {
  readonly message: string;
  /** How to make the same change safely (expand/contract). */
  readonly hint: string;
  /** Byte offset of what it is about; the statement's first token when absent. */
  readonly location?: number | undefined;
  /** Only where it differs from the rule's own (a widening type change is a warning). */
  readonly severity?: Severity;
  /** The `table.column` it is about, where the dynamic proof can look for its users. */
  readonly subject?: string;
}

/** What a rule sees of one statement of a pending file. */
export interface RuleContext {
  /** The schema as the applied files and the pending statements before this one leave it. */
  readonly schema: Readonly<Schema>;
  /** What the pending files created so far: nothing running uses it. */
  readonly created: Pick<Created, "has" | "hasColumn" | "hasTrigger">;
  /** Every statement of the file, and this one's index among them. */
  readonly statements: readonly RawStmt[];
  readonly index: number;
  /** Whether this rule reported in this file already. */
  readonly reportedInFile: boolean;
  report(finding: RuleReport): void;
}

/** The table an ALTER TABLE subcommand changes. */
export interface AlterTarget {
  readonly table: string;
  /** Where the ALTER TABLE names it. */
  readonly location: number | undefined;
}

interface RuleBase {
  /** Stable id, e.g. ban-drop-column: how findings and suppressions name it. */
  readonly id: string;
  /** What it reports; `changing-column-type` reports a widening the old version survives as a warning. */
  readonly severity: Severity;
  /** What it flags, in one line: the description SARIF and CI summaries show. */
  readonly description: string;
  /** Ids it was reported under before: a suppression naming one still counts. */
  readonly formerly?: readonly string[];
}

/** A rule about whole statements (drops, renames, CREATE INDEX, ...). */
export interface StatementRule extends RuleBase {
  readonly check: (node: Node, ctx: RuleContext) => void;
}

/** A rule about ALTER TABLE subcommands; it sees the schema as the earlier subcommands left it. */
export interface AlterTableRule extends RuleBase {
  readonly checkAlterTable: (cmd: AlterTableCmd, target: AlterTarget, ctx: RuleContext) => void;
}

export type MigrationRule = StatementRule | AlterTableRule;
