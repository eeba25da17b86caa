import { isAbsolute, relative, sep } from "node:path";
import type { MigrationFinding } from "../checks/migrations/finding.ts";
import { rules } from "../checks/migrations/rules/index.ts";

/**
 * A finding at a place in a file, as CI formats draw it (SARIF, GitHub workflow commands, JUnit,
 * the step summary). Each command maps its own typed findings to these once; the formats only
 * render them.
 */
export interface Annotation {
  /** Stable id, e.g. ban-drop-column or type-changed. */
  readonly rule: string;
  readonly level: "error" | "warning" | "note";
  /** As the user named it (absolute or relative to the working folder). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units (SARIF's default columnKind). */
  readonly column: number;
  readonly message: string;
  /** How to fix it, when the check knows. */
  readonly hint?: string;
  /** The justification when a comment in the file suppresses it: reported, not blocking. */
  readonly suppressed?: string;
}

/** What a rule checks, for SARIF's rule list and a summary's legend. */
export interface RuleDescription {
  readonly id: string;
  readonly description: string;
}

export function migrationAnnotations(findings: readonly MigrationFinding[]): Annotation[] {
  return findings.map((f) => ({
    rule: f.rule,
    level: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    message: f.message,
    hint: f.hint,
    ...(f.suppressed !== undefined ? { suppressed: f.suppressed } : {}),
  }));
}

/** Blocks the command: an error nothing suppresses. */
export const blocks = (a: Annotation): boolean => a.level === "error" && a.suppressed === undefined;

/** The file relative to the working folder with forward slashes, as code scanning and PR annotations want it. */
export function repositoryPath(file: string, cwd: string = process.cwd()): string {
  const path = isAbsolute(file) ? relative(cwd, file) : file;
  return path.split(sep).join("/");
}

// What the migration check's driver reports itself, beside its rules (./checks/migrations/rules/).
const driverFindings: Readonly<Record<string, string>> = {
  "syntax-error": "Postgres cannot parse the file",
  "suppression-without-reason": "a slipway:allow comment without a reason",
};

/** One description per rule the annotations use, in order of first use. */
export function migrationRules(annotations: readonly Annotation[]): RuleDescription[] {
  return uniqueRules(annotations).map((id) => ({
    id,
    description: rules.find((r) => r.id === id)?.description ?? driverFindings[id] ?? `migration check ${id}`,
  }));
}

export function uniqueRules(annotations: readonly Annotation[]): string[] {
  return [...new Set(annotations.map((a) => a.rule))];
}
