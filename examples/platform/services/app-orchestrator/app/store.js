// app-orchestrator's database (migrations/V1__applications.sql). The runtime calls these when
// DATABASE_URL is set.

async function start(db, body, handled) {
  const { rows } = await db.query(
    "insert into applications (owner, application, state, started_at) values ($1, $2, 'starting', now()) returning id",
    [body.owner ?? "anonymous", handled.body.application],
  );
  return { status: 201, body: { ...handled.body, jobId: String(rows[0].id) } };
}

async function stop(db, body) {
  const id = /^\d+$/.test(String(body.jobId)) ? body.jobId : null;
  const { rows } = id
    ? await db.query(
        "update applications set state = 'stopping' where id = $1 returning id, application, state",
        [id],
      )
    : { rows: [] };
  const row = rows[0];
  if (!row) return { status: 404, body: { error: `no job ${body.jobId}` } };
  return { status: 200, body: { jobId: String(row.id), application: row.application, state: row.state } };
}

/** The ad-hoc Job: applications asked to stop are marked stopped. */
async function gcApplications({ db, log }) {
  if (!db) throw new Error("DATABASE_URL is not set");
  const { rowCount } = await db.query("update applications set state = 'stopped' where state = 'stopping'");
  log(`gc-applications: ${rowCount} stopping application(s) marked stopped`);
}

export const calls = { "apps.start": start, "apps.stop": stop };
export const scripts = { "gc-applications": gcApplications };
