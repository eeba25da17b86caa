/** One thing the migration check says about one statement. */
export interface MigrationFinding {
  /** Stable id, e.g. ban-drop-column. */
  readonly rule: string;
  readonly severity: "error" | "warning";
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What breaks, and for whom. */
  readonly message: string;
  /** How to make the same change safely (expand/contract). */
  readonly hint: string;
  /** The `table.column` it is about, where the dynamic proof looks for the running version's use of it. */
  readonly subject?: string;
  /** Set when a `-- slipway:allow <rule> reason: ...` comment suppresses it. */
  readonly suppressed?: string;
}

export const blocking = (f: MigrationFinding): boolean =>
  f.severity === "error" && f.suppressed === undefined;

export function formatFinding(f: MigrationFinding): string {
  const head = `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`;
  return f.suppressed ? `${head}\n  suppressed: ${f.suppressed}` : `${head}\n  fix: ${f.hint}`;
}
