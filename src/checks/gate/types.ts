/** One check of "built and tested", as the plan shows it and the release record keeps it. */
export interface GateCheck {
  readonly check:
    | "image"
    | "ci"
    | "promotion"
    | "approval"
    | "pull-secret"
    | "cutover"
    | "database"
    | "references"
    | "migration-files"
    | "window"
    | "signature"
    | "provenance";
  readonly outcome: "passed" | "failed" | "skipped";
  /** One line for the plan. */
  readonly summary: string;
  /** Why it failed and how to fix it, one message each. */
  readonly problems: readonly string[];
  /**
   * What the check could not establish although it passed (a build that records no revision):
   * the plan prints them without blocking, the release records them.
   */
  readonly warnings?: readonly string[];
}

/** The gate's verdict on one service version. */
export interface ServiceGate {
  readonly service: string;
  readonly version: string;
  readonly image: string;
  /** What the tag resolved to: what the deploy pins. */
  readonly digest?: string;
  readonly revision?: string;
  readonly checks: readonly GateCheck[];
}

export const passed = (
  check: GateCheck["check"],
  summary: string,
  warnings: readonly string[] = [],
): GateCheck => ({
  check,
  outcome: "passed",
  summary,
  problems: [],
  ...(warnings.length ? { warnings } : {}),
});

export const failed = (
  check: GateCheck["check"],
  summary: string,
  problems: readonly string[],
  warnings: readonly string[] = [],
): GateCheck => ({
  check,
  outcome: "failed",
  summary,
  problems,
  ...(warnings.length ? { warnings } : {}),
});

export const skipped = (check: GateCheck["check"], summary: string): GateCheck => ({
  check,
  outcome: "skipped",
  summary,
  problems: [],
});
