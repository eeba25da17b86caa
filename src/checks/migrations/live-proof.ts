import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import { databaseUrl, DatabaseUnavailable } from "../../migrations/database-url.ts";
import {
  liveQueries,
  ProofUnavailable,
  proveQueries,
  splitStatements,
  type ProofResult,
} from "./dynamic-proof.ts";
import type { MigrationFinding } from "./finding.ts";
import { describeDatabaseUrl } from "./pg-dump.ts";

export interface LiveProofOptions {
  /** How long pg_stat_statements must have watched the running version for "no query touches it". */
  readonly evidenceWindowMs: number;
  readonly scratchDatabase: "pglite" | "server";
  /**
   * What the running version's release recorded it runs (its own queries file, what
   * pg_stat_statements saw before): proven too, since it keeps running until the rollout ends
   * even when the new version's queries file no longer lists them.
   */
  readonly runningStatements?: readonly string[];
}

export interface LiveProof {
  /** The static findings as judged with the live evidence, plus the proof's own. */
  readonly findings: MigrationFinding[];
  /** The proof's line in the release record. */
  readonly check: { readonly check: string; readonly outcome: string; readonly message: string };
  /** One line for the person deploying. */
  readonly summary: string;
  /**
   * Why the proof could not run (the database unreachable or refusing us, no pg_stat_statements,
   * the schema not copyable): the deploy is refused unless the proof is skipped on purpose.
   */
  readonly unavailable?: string;
  /** The statements pg_stat_statements saw the running version run: its release records them. */
  readonly liveStatements?: readonly string[];
}

/** Each statement once, whitespace aside (a recorded one is normalised, a file's is not). */
function distinctStatements(statements: readonly string[]): string[] {
  const seen = new Set<string>();
  return statements.filter((query) => {
    const key = query.replace(/\s+/g, " ").trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Static errors the proof can see through: a running query that needs the object fails to PREPARE without it. */
const dropLike = new Set([
  "ban-drop-column",
  "ban-drop-table",
  "ban-drop-view",
  "ban-drop-materialized-view",
  "renaming-column",
  "renaming-table",
  "renaming-view",
  "renaming-materialized-view",
  "renaming-type",
]);

/**
 * A dropped NOT NULL breaks nothing PREPARE sees: the evidence is that no live statement names the
 * column at all (the proof renames it away for a moment, as a drop would take it), so the running
 * version never reads the NULLs the new one may write.
 */
const byColumnUse = new Set(["ban-drop-not-null"]);

/** How long and how widely the running version was watched, and what the proof found. */
export interface Evidence {
  readonly proof: ProofResult;
  /** How long pg_stat_statements has watched, in ms. */
  readonly coveredMs: number;
  readonly evidenceWindowMs: number;
  /** Since when, for the message. */
  readonly since: Date | undefined;
}

/**
 * The static errors the evidence sees through become warnings that say why: a drop or rename no
 * live statement notices, a NOT NULL dropped from a column no live statement names. Only with
 * statements to go by, watched for the whole window, and no migration failing or breaking one.
 */
export function judgeWithEvidence(findings: readonly MigrationFinding[], e: Evidence): MigrationFinding[] {
  const { proof } = e;
  const brokenBy = new Set(proof.broken.map((b) => b.migration));
  const enough = !proof.failedMigration && proof.checked > 0 && e.coveredMs >= e.evidenceWindowMs;
  const watched = `${proof.checked} live queries from pg_stat_statements since ${e.since?.toISOString() ?? "?"}`;
  return findings.map((f) => {
    if (f.severity !== "error" || !enough || brokenBy.has(f.file)) return f;
    if (dropLike.has(f.rule))
      return {
        ...f,
        severity: "warning" as const,
        message: `${f.message}; not blocking: no query of the running version touches it: ${watched} prepare on the migrated schema`,
      };
    if (byColumnUse.has(f.rule) && f.subject && proof.unused.includes(f.subject))
      return {
        ...f,
        severity: "warning" as const,
        message: `${f.message}; not blocking: no query of the running version names ${f.subject}: ${watched} prepare on the migrated schema with it renamed away`,
      };
    return f;
  });
}

/**
 * The dynamic proof: the running version's real queries, PREPAREd on a scratch copy of the
 * live schema after each pending migration. A broken query is an error; a static drop error
 * that no live query notices, with enough traffic observed, goes through with that evidence.
 */
export async function proveWithLiveQueries(
  cluster: Cluster,
  env: EnvironmentModel,
  service: ServiceModel,
  pending: readonly { name: string; sql: string }[],
  findings: readonly MigrationFinding[],
  options: LiveProofOptions,
): Promise<LiveProof> {
  const spec = service.spec.migrations;
  const database = spec?.database ?? "";
  let where = `database "${database}"`;
  try {
    const url = await databaseUrl(cluster, env, database);
    where = `database "${database}" (${describeDatabaseUrl(url)})`;
    const live = await liveQueries(url, spec?.role);
    const shipped = service.queryFile ? await splitStatements(service.queryFile) : [];
    const proof = await proveQueries(
      url,
      pending,
      distinctStatements([...live.queries, ...(options.runningStatements ?? []), ...shipped]),
      options.scratchDatabase,
      findings.flatMap((f) => (byColumnUse.has(f.rule) && f.subject ? [f.subject] : [])),
    );
    const proofFindings: MigrationFinding[] = proof.broken.map((b) => ({
      rule: "dynamic-proof",
      severity: "error",
      file: b.migration,
      line: 1,
      column: 1,
      message: `a query the running version runs no longer prepares after it: ${b.query.replace(/\s+/g, " ")} (Postgres: ${b.message})`,
      hint: "keep what this query uses until a version that no longer runs it is live (expand/contract)",
    }));
    if (proof.failedMigration) {
      proofFindings.push({
        rule: "dynamic-proof",
        severity: "error",
        file: proof.failedMigration.name,
        line: proof.failedMigration.line,
        column: proof.failedMigration.column,
        message: `fails on a copy of the live schema: ${proof.failedMigration.message}`,
        hint: "fix the migration; nothing was run on the live database",
      });
    }
    const judged = judgeWithEvidence(findings, {
      proof,
      coveredMs: live.since ? Date.now() - live.since.getTime() : 0,
      evidenceWindowMs: options.evidenceWindowMs,
      since: live.since,
    });
    return {
      findings: [...judged, ...proofFindings],
      check: {
        check: "migrations/dynamic-proof",
        outcome: proof.broken.length || proof.failedMigration ? "error" : "passed",
        message: `${proof.checked} queries checked, ${proof.broken.length} broken`,
      },
      summary: `dynamic proof: ${proof.checked} live queries prepared against the migrated schema, ${proof.broken.length} broken`,
      // What a rollback can check: statements that prepare today, not the tools' own catalog reads.
      liveStatements: live.queries.filter((q) => proof.prepared.includes(q) && applicationStatement(q)),
    };
  } catch (error) {
    if (!(error instanceof ProofUnavailable || error instanceof DatabaseUnavailable)) throw error;
    const unavailable = `${where}: ${error.message}`;
    return {
      findings: [...findings],
      check: { check: "migrations/dynamic-proof", outcome: "error", message: `cannot run: ${unavailable}` },
      summary: `dynamic proof cannot run: ${unavailable}`,
      unavailable,
    };
  }
}

/**
 * A statement of the service rather than of a tool reading the catalog (pg_dump's, Slipway's own
 * `to_regclass`): only these are worth recording, as no migration of the service breaks the others.
 */
const applicationStatement = (query: string): boolean => !/\b(pg_[a-z_]+|to_regclass)\b/i.test(query);

/**
 * The running version's statements from pg_stat_statements when no proof reads them (nothing
 * pending): only for its release record, so a database that does not answer is no failure.
 */
export async function readLiveStatements(
  cluster: Cluster,
  env: EnvironmentModel,
  service: ServiceModel,
): Promise<readonly string[] | undefined> {
  const spec = service.spec.migrations;
  if (!spec) return undefined;
  try {
    const url = await databaseUrl(cluster, env, spec.database);
    return (await liveQueries(url, spec.role)).queries.filter(applicationStatement);
  } catch {
    return undefined;
  }
}
