import pg from "pg";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import { databaseUrl, DatabaseUnavailable } from "../../migrations/database-url.ts";
import { readHistory } from "../../migrations/history.ts";
import type { ReleaseRecord } from "../../release/record.ts";
import { databaseFailure, prepareOnLiveSchema, ProofUnavailable, type ScratchKind } from "./dynamic-proof.ts";
import { describeDatabaseUrl } from "./pg-dump.ts";

export interface BrokenOnRollback {
  readonly query: string;
  readonly message: string;
  /** The newest migration applied since the release whose SQL names the missing object. */
  readonly migration?: string;
}

export interface RollbackProof {
  /** Statements the release recorded and PREPAREd against the current schema. */
  readonly checked: number;
  readonly broken: readonly BrokenOnRollback[];
  /** Migrations in flyway_schema_history the release did not ship, oldest first. */
  readonly appliedSince: readonly string[];
  /** The release's statements beyond the record's cap, not checked. */
  readonly omitted: number;
  /** Why the check could not run (the database unreachable, its schema not copyable). */
  readonly unavailable?: string;
}

/** The object Postgres says is missing: `column "subject" does not exist`, `relation "t" does not exist`. */
export function missingObject(message: string): string | undefined {
  const m =
    /(?:column|relation|function|type|schema|operator|sequence)\s+"?([\w.$]+)"?(?:\(.*?\))?(?: of relation "[^"]+")?\s+does not exist/i.exec(
      message,
    );
  return m?.[1]?.split(".").at(-1);
}

/** Which migration applied since broke a statement: the newest one whose SQL names the missing object. */
export function blame(
  message: string,
  appliedSince: readonly string[],
  sqlOf: (name: string) => string | undefined,
): string | undefined {
  const name = missingObject(message);
  if (!name) return undefined;
  const word = new RegExp(`(^|[^\\w$])"?${name.replace(/[$]/g, "\\$")}"?($|[^\\w$])`, "i");
  return [...appliedSince].reverse().find((m) => word.test(sqlOf(m) ?? ""));
}

/**
 * A rollback's schema check: the statements the target release recorded (its queries file, and
 * what pg_stat_statements saw it run while live), PREPAREd against a scratch copy of the schema as
 * it stands, which migrations since the release may have changed. Nothing runs on the live database.
 */
export async function proveRollback(
  cluster: Cluster,
  env: EnvironmentModel,
  service: ServiceModel,
  target: ReleaseRecord,
  scratchKind: ScratchKind = "pglite",
): Promise<RollbackProof> {
  const database = service.spec.migrations?.database ?? "";
  const statements = target.statements?.queries ?? [];
  const omitted = target.statements?.omitted ?? 0;
  let where = `database "${database}"`;
  try {
    const url = await databaseUrl(cluster, env, database);
    where = `database "${database}" (${describeDatabaseUrl(url)})`;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on("error", () => undefined);
    let history;
    try {
      await client.connect();
      history = await readHistory(client);
    } catch (error) {
      throw databaseFailure("cannot read flyway_schema_history", url, error);
    } finally {
      await client.end().catch(() => undefined);
    }
    const shipped = new Set((target.migrations ?? []).map((m) => `${m.name}\n${m.checksum}`));
    const appliedSince = history
      .filter((h) => h.success && !shipped.has(`${h.script}\n${h.checksum}`))
      .map((h) => h.script);
    if (!statements.length) return { checked: 0, broken: [], appliedSince, omitted };
    const result = await prepareOnLiveSchema(url, statements, scratchKind);
    const sqlOf = (name: string): string | undefined => service.migrations.find((m) => m.name === name)?.sql;
    return {
      checked: result.checked,
      broken: result.broken.map((b) => {
        const migration = blame(b.message, appliedSince, sqlOf);
        return { ...b, ...(migration ? { migration } : {}) };
      }),
      appliedSince,
      omitted,
    };
  } catch (error) {
    if (!(error instanceof ProofUnavailable || error instanceof DatabaseUnavailable)) throw error;
    return { checked: 0, broken: [], appliedSince: [], omitted, unavailable: `${where}: ${error.message}` };
  }
}
