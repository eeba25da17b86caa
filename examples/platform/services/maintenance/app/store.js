// maintenance's store is the search server (SEARCH_URL): its tasks, as the CronJob and the Job
// name them in their args.
import { task } from "./handler.js";

/** Deletes the audit entries older than RETENTION_DAYS from every audit index. */
async function pruneAudit({ env, log }) {
  task("prune-audit");
  const days = Number(env.RETENTION_DAYS ?? 400);
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`RETENTION_DAYS must be a whole number, not ${env.RETENTION_DAYS}`);
  if (!env.SEARCH_URL) throw new Error("SEARCH_URL is not set");
  const indices = `${env.AUDIT_INDEX_PREFIX ?? ""}http_logs_*`;
  const response = await globalThis.fetch(
    `${env.SEARCH_URL.replace(/\/+$/, "")}/${indices}/_delete_by_query`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: { range: { "@timestamp": { lt: `now-${days}d` } } } }),
    },
  );
  const result = await response.json();
  if (!response.ok)
    throw new Error(`the search server answered ${response.status}: ${JSON.stringify(result.error)}`);
  log(
    `prune-audit: ${result.deleted} audit entr${result.deleted === 1 ? "y" : "ies"} older than ${days} days deleted from ${indices}`,
  );
}

export const scripts = { "prune-audit": pruneAudit };
