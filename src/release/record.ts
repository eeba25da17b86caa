import type { KubernetesObject } from "@kubernetes/client-node";
import type { CallContract } from "../definitions/model.ts";

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
  /** Checks skipped or overridden, each with who and why (--skip-ci-check, --allow-breaking-migrations). */
  overrides?: string[];
  /** Findings of the procedure's checks, and any override with its reason. */
  checks: { readonly check: string; readonly outcome: string; readonly message: string }[];
  /** The migration files this release shipped (name and Flyway checksum). */
  readonly migrations?: readonly { readonly name: string; readonly checksum: number }[];
  steps: StepRecord[];
  readonly deployedBy: string;
  readonly commit: string;
  readonly startedAt: string;
  finishedAt?: string;
  description: string;
  /** Set when this release failed and Slipway rolled back by itself. */
  rollback?: {
    readonly toRevision: number;
    readonly outcome: "succeeded" | "failed";
    readonly message: string;
  };
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
}
