import pg from "pg";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import { DatabaseUnavailable, databaseUrl } from "../../migrations/database-url.ts";
import { failed, passed, type GateCheck } from "./types.ts";

/** Where a connection URL points, without its credentials: what a message may say. */
export function databaseAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "(an unparsable URL)";
  }
}

/**
 * The databases whose migrations the deploy will check and run must answer before anything is
 * written: an unreachable one refuses the deploy at the plan, naming it and its address.
 */
export async function checkDatabases(
  cluster: Cluster,
  env: EnvironmentModel,
  changing: readonly ServiceModel[],
): Promise<GateCheck | undefined> {
  const databases = [
    ...new Set(changing.flatMap((s) => (s.spec.migrations ? [s.spec.migrations.database] : []))),
  ].sort();
  if (databases.length === 0) return undefined;
  const problems: string[] = [];
  const reached: string[] = [];
  await Promise.all(
    databases.map(async (database) => {
      let url: string;
      try {
        url = await databaseUrl(cluster, env, database);
      } catch (error) {
        if (error instanceof DatabaseUnavailable) return void problems.push(error.message);
        throw error;
      }
      const address = databaseAddress(url);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      try {
        await client.connect();
        await client.query("select 1");
        reached.push(`${database} (${address})`);
      } catch (error) {
        problems.push(
          `database "${database}" at ${address} does not answer: ${(error as Error).message}; its migrations cannot be checked or run, so nothing was changed`,
        );
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
  return problems.length
    ? failed("database", `${problems.length} of ${databases.length} database(s) unreachable`, problems.sort())
    : passed("database", `reached ${reached.sort().join(", ")}`);
}
