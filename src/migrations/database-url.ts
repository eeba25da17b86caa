import type { V1Secret } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../definitions/model.ts";

export class DatabaseUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseUnavailable";
  }
}

/** The process variable that overrides a database's Secret, e.g. SLIPWAY_DB_FILES_URL. */
export const databaseUrlVariable = (database: string): string =>
  `SLIPWAY_DB_${database.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_URL`;

/**
 * The connection URL of an environment's database: from the process environment when set,
 * else from the Secret the environment names. The value is never printed or recorded.
 */
export async function databaseUrl(
  cluster: Cluster,
  env: EnvironmentModel,
  database: string,
): Promise<string> {
  const fromProcess = process.env[databaseUrlVariable(database)];
  if (fromProcess) return fromProcess;
  const ref = env.databases?.[database];
  if (!ref) throw new DatabaseUnavailable(`environment ${env.name} has no database "${database}"`);
  const key = ref.key ?? "url";
  const secret = (await cluster.get("Secret", ref.secret, env.cluster.namespace)) as V1Secret | undefined;
  const value = secret?.data?.[key];
  if (!value) {
    throw new DatabaseUnavailable(
      `Secret ${ref.secret} (key ${key}) for database "${database}" is ${secret ? "missing that key" : "not found"} in namespace ${env.cluster.namespace}: create it, or set ${databaseUrlVariable(database)}`,
    );
  }
  return Buffer.from(value, "base64").toString("utf8");
}
