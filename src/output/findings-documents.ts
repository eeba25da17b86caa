import type { CallsDiff } from "../checks/calls/request-diff.ts";
import { blocking, type MigrationFinding } from "../checks/migrations/finding.ts";
import { document, type DocumentHeader } from "./document.ts";

/** The counts the text output's last line gives, so a consumer need not recount. */
export interface MigrationCheckCounts {
  /** Errors no suppression covers: these make the exit code 1. */
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

/** `slipway migrations check -o json`. */
export interface MigrationCheckDocument extends DocumentHeader<"MigrationCheck"> {
  readonly findings: readonly MigrationFinding[];
  readonly counts: MigrationCheckCounts;
  /**
   * The files checked as new (pending) together, as a deploy checks them, when `--since` or
   * `--applied-through` said which are new; null when neither did: each file was then checked as
   * if every file before it were applied.
   */
  readonly pending: readonly string[] | null;
}

/** `slipway calls diff -o json`: the diff, and whether something in it breaks a client. */
export interface CallsDiffDocument extends DocumentHeader<"CallsDiff">, CallsDiff {
  readonly breaking: boolean;
}

export function migrationCheckCounts(findings: readonly MigrationFinding[]): MigrationCheckCounts {
  return {
    errors: findings.filter(blocking).length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    suppressed: findings.filter((f) => f.suppressed !== undefined).length,
  };
}

export function migrationCheckDocument(check: {
  readonly findings: readonly MigrationFinding[];
  readonly files: readonly string[];
  readonly pendingKnown: boolean;
}): MigrationCheckDocument {
  return document("MigrationCheck", {
    findings: check.findings,
    counts: migrationCheckCounts(check.findings),
    pending: check.pendingKnown ? check.files : null,
  });
}

export function callsDiffDocument(diff: CallsDiff, breaking: boolean): CallsDiffDocument {
  return document("CallsDiff", { ...diff, breaking });
}
