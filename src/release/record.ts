import type { KubernetesObject } from "@kubernetes/client-node";
import type { CallContract } from "../definitions/model.ts";
import type { ParameterValue } from "../definitions/parameters.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";
import type { PromotionOnRecord } from "../promotion/request.ts";
import type { BreakGlass } from "../windows/break-glass.ts";
import type { CanaryRecord, CanarySummary } from "../canary/record.ts";

export type ReleaseStatus = "pending" | "deployed" | "superseded" | "failed";

/** One finished (or interrupted) step of a deploy: the journal a re-run resumes from. */
export interface StepRecord {
  readonly step: string;
  readonly status: "done" | "failed";
  readonly at: string;
  readonly message?: string;
}

/** Everything a deploy of one service to one environment did, kept in the cluster. */
export interface ReleaseRecord {
  readonly service: string;
  readonly environment: string;
  readonly revision: number;
  readonly version: string;
  readonly digests: Readonly<Record<string, string>>;
  status: ReleaseStatus;
  /** What was applied, as rendered (references to Secrets only, never values). */
  readonly objects: readonly KubernetesObject[];
  /** Hash of the objects: a re-run with the same hash resumes this release. */
  readonly objectsHash: string;
  readonly calls: readonly CallContract[];
  /** The service's parameter values, secret ones as a hash (older records have none). */
  readonly parameters?: Readonly<Record<string, ParameterValue>>;
  /** Checks skipped or overridden, each with who and why (--skip-ci-check, --allow-breaking-migrations). */
  overrides?: string[];
  /** Deployed into a frozen environment: who broke glass, why, through which windows. */
  readonly breakGlass?: BreakGlass;
  /** Findings of the procedure's checks, and any override with its reason. */
  checks: { readonly check: string; readonly outcome: string; readonly message: string }[];
  /** The migration files this release shipped (name and Flyway checksum). */
  readonly migrations?: readonly { readonly name: string; readonly checksum: number }[];
  /**
   * The statements this version runs, which `rollback --to` PREPAREs against the schema of the
   * day: its queries file when it is recorded, then what pg_stat_statements saw while it was
   * live, added when a newer version's deploy reads them for its proof.
   */
  statements?: RecordedStatements;
  steps: StepRecord[];
  readonly deployedBy: string;
  /** Deployed as an approved promotion: its id, who requested it and who approved it. */
  readonly promotion?: PromotionOnRecord;
  readonly commit: string;
  readonly startedAt: string;
  finishedAt?: string;
  description: string;
  /** Set when a step of this release failed: which, why, and what the cluster said. */
  failure?: ReleaseFailure;
  /** How the deploy's message reached each destination of the environment's notifications. */
  notifications?: NotificationDelivery[];
  /** The release went out as a canary: its steps, how far it got, every analysis and decision. */
  canary?: CanaryRecord;
  /** Set when this release failed and Slipway rolled back by itself. */
  rollback?: {
    readonly toRevision: number;
    readonly outcome: "succeeded" | "failed";
    readonly message: string;
  };
}

/**
 * One destination's delivery of a deploy's message: delivered (its last update arrived),
 * failed (given up after the retries; the error, never a secret), filtered (failures only, and
 * nothing failed), deduplicated (the same failure was alerted within the repeat window).
 */
export interface NotificationDelivery {
  readonly destination: string;
  readonly type: "webhook" | "slack" | "email";
  readonly messageId: string;
  readonly outcome: "delivered" | "failed" | "filtered" | "deduplicated";
  /** Updates delivered, and the sequence number of the last one. */
  readonly sent: number;
  readonly lastSequence?: number;
  readonly attempts: number;
  readonly error?: string;
}

/**
 * Why a release failed: the step, its message, and the evidence of its pods (the kubelet's
 * reason, the last few log lines of a few pods): small, and no Secret's value.
 */
export interface ReleaseFailure {
  readonly step: string;
  readonly message: string;
  readonly evidence: readonly FailureEvidence[];
}

/** The failure as a summary carries it: the step and its message, cut short. */
export const failureLine = (failure: ReleaseFailure): string => {
  const line = `${failure.step}: ${failure.message}`;
  return line.length > 600 ? `${line.slice(0, 599)}…` : line;
};

export type StatementSource = "queries-file" | "pg_stat_statements";

export interface RecordedStatements {
  /** Deduplicated (whitespace aside), the queries file's first; at most `statementCap`. */
  readonly queries: readonly string[];
  readonly sources: readonly StatementSource[];
  /** How many more there were than the cap: not kept, so not checked by a rollback. */
  readonly omitted?: number;
}

/** Records stay small: a version's statements beyond this many are counted, not kept. */
export const statementCap = 2000;

const normalized = (query: string): string => query.replace(/\s+/g, " ").trim();

/** Adds statements to those recorded: deduplicated, capped, with where they came from. */
export function withStatements(
  recorded: RecordedStatements | undefined,
  added: readonly string[],
  source: StatementSource,
): RecordedStatements {
  const seen = new Set((recorded?.queries ?? []).map(normalized));
  const queries = [...(recorded?.queries ?? [])];
  let omitted = recorded?.omitted ?? 0;
  for (const query of added) {
    const key = normalized(query);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    if (queries.length < statementCap) queries.push(key);
    else omitted++;
  }
  const sources = [...new Set([...(recorded?.sources ?? []), ...(added.length ? [source] : [])])];
  return { queries, sources, ...(omitted ? { omitted } : {}) };
}

/** The part of a record that labels and annotations carry: listing history needs no payloads. */
export interface ReleaseSummary {
  readonly service: string;
  readonly revision: number;
  readonly version: string;
  readonly status: ReleaseStatus;
  readonly deployedBy: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly description: string;
  readonly objectsHash: string;
  /** Hash of the call contracts: a plan reads the whole record only when they changed. */
  readonly callsHash?: string;
  /** Checks someone skipped or overrode, with their reason: status and history show them. */
  readonly overrides?: readonly string[];
  /** The parameter values, secret ones as a hash: history shows them. */
  readonly parameters?: Readonly<Record<string, ParameterValue>>;
  /** Deployed into a frozen environment: who broke glass, why, through which windows. */
  readonly breakGlass?: BreakGlass;
  /** A failed release: the step that failed and why, in a line (the record holds its evidence). */
  readonly failure?: string;
  /** Deployed as an approved promotion: who asked and who approved (history shows them). */
  readonly promotion?: PromotionOnRecord;
  /** Went out as a canary: its state, weight and step (the record holds the analyses). */
  readonly canary?: CanarySummary;
}
