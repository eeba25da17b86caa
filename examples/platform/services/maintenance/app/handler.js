// maintenance: decides which audit entries are past their retention. The CronJob runs
// `node handler.js prune-audit`; the search client that deletes them is left out of the example.

const day = 24 * 60 * 60 * 1000;

/** The entries ({ id, at: ISO time }) older than retentionDays at `now`, oldest first. */
export function expired(entries, now, retentionDays) {
  if (!Number.isInteger(retentionDays) || retentionDays < 1)
    throw new Error(`retention must be a whole number of days, not ${retentionDays}`);
  const cutoff = now.getTime() - retentionDays * day;
  return entries.filter((e) => Date.parse(e.at) < cutoff).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The tasks the CronJob and the ad-hoc Job name in their args. */
export const tasks = ["prune-audit", "reindex"];

/** A task name to the task, or an error naming the ones there are. */
export function task(name) {
  if (!tasks.includes(name)) throw new Error(`no task ${name}: the tasks are ${tasks.join(", ")}`);
  return name;
}
