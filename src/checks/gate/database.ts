import pg from "pg";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import { DatabaseUnavailable, databaseUrl } from "../../migrations/database-url.ts";
import { databaseFailure } from "../migrations/dynamic-proof.ts";
import { describeDatabaseUrl } from "../migrations/pg-dump.ts";
import { failed, passed, type GateCheck } from "./types.ts";

/**
 * Which databases this machine must reach for a deploy: direct-mode migrations are run from
 * here, and the dynamic proof of either mode reads the live schema from here (unless skipped).
 */
function databasesReachedFromHere(changing: readonly ServiceModel[], skippingProof: boolean): string[] {
  const needed = changing.flatMap((s) => {
    const spec = s.spec.migrations;
    if (!spec) return [];
    return spec.mode === "job" && skippingProof ? [] : [spec.database];
  });
  return [...new Set(needed)].sort();
}

/**
 * The databases a deploy will migrate or prove against must answer before anything is
 * written: one that does not refuses the deploy at the plan, naming it and its address.
 */
export async function checkDatabases(
  cluster: Cluster,
  env: EnvironmentModel,
  changing: readonly ServiceModel[],
  options: { skippingProof?: boolean } = {},
): Promise<GateCheck | undefined> {
  const databases = databasesReachedFromHere(changing, options.skippingProof === true);
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
      const where = `database "${database}" (${describeDatabaseUrl(url)})`;
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.query("select 1");
        reached.push(where);
      } catch (error) {
        problems.push(
          `${where}: ${databaseFailure("cannot connect", url, error).message}; its migrations cannot be checked or run from here`,
        );
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
  return problems.length
    ? failed(
        "database",
        `${problems.length} of ${databases.length} database(s) do not answer`,
        problems.sort(),
      )
    : passed("database", `reached ${reached.sort().join(", ")}`);
}
