import type { SearchClient } from "../clients/search/client.ts";
import type { PromotionOnRecord } from "../promotion/request.ts";
import type { BreakGlass } from "../windows/break-glass.ts";

export interface DeployOptions {
  readonly only: readonly string[];
  readonly dryRun: boolean;
  /** Take over fields other managers own. */
  readonly forceConflicts: boolean;
  /** Roll back by itself when a rollout fails. */
  readonly rollback: boolean;
  readonly timeoutMs: number;
  /** Services deployed at once, among those whose dependencies are done. */
  readonly parallel: number;
  readonly waitForLock: boolean;
  readonly leaseSeconds?: number;
  readonly deployedBy: string;
  readonly commit: string;
  readonly digests?: ReadonlyMap<string, string>;
  /** Deploy despite migration-check errors; the reason is recorded in the release. */
  readonly allowBreakingMigrations?: { readonly reason: string };
  /**
   * How long pg_stat_statements must have watched the running version before "no live query
   * touches it" is evidence enough to let a drop through. Default 24 h.
   */
  readonly evidenceWindowMs?: number;
  /**
   * --skip-dynamic-proof: deploy without the dynamic proof (the static check still applies), for
   * a database this machine cannot reach; the reason is recorded, shown by status and history.
   */
  readonly skipDynamicProof?: { readonly reason: string };
  /** Where the dynamic proof copies the live schema: embedded PGlite (default) or the live server. */
  readonly scratchDatabase?: "pglite" | "server";
  readonly signal?: AbortSignal;
  /** --skip-ci-check: the reason goes into the record's description, shown by status and history. */
  readonly skippedCi?: { readonly reason: string };
  /**
   * --skip-audit-index: deploy without updating the audit indices of changed calls; the reason is
   * recorded, and each call whose index then rejects or leaves unindexed the new version's
   * entries is said and recorded with its fields.
   */
  readonly skipAuditIndex?: { readonly reason: string };
  /** The environment is frozen and someone it names broke glass: announced, and recorded in each release. */
  readonly breakGlass?: BreakGlass;
  /** The environment's search server: required when a planned service's audit index must change. */
  readonly search?: SearchClient;
  /** The environment's `search.indexPrefix`, for rollbacks that restore an audit index. */
  readonly auditIndexPrefix?: string;
  /** The approved promotion this deploy carries out: who asked, who approved, recorded. */
  readonly promotion?: PromotionOnRecord;
}

/** What a restore of a recorded release needs: a rollback, or undoing a cutover. */
export type RestoreOptions = Pick<DeployOptions, "timeoutMs" | "signal" | "search" | "auditIndexPrefix">;
