// auth's database (migrations/V1__users.sql, V2__sessions.sql). The runtime calls these when
// DATABASE_URL is set.

/** A login: the user registered on first login (a federated login creates the account), a session opened. */
async function login(db, body, handled) {
  return db.transaction(async (tx) => {
    const user = await tx.query(
      `insert into users (username, email) values ($1, $2)
       on conflict (username) do update set username = excluded.username returning id`,
      [body.username, typeof body.email === "string" ? body.email : ""],
    );
    await tx.query(
      "insert into sessions (id, user_id, expires_at) values ($1, $2, now() + interval '12 hours')",
      [handled.body.token, user.rows[0].id],
    );
    return handled;
  });
}

/** The expired sessions removed. */
async function expireSessions({ db, log }) {
  if (!db) throw new Error("DATABASE_URL is not set");
  const { rowCount } = await db.query("delete from sessions where expires_at < now()");
  log(`expire-sessions: ${rowCount} expired session(s) removed`);
}

export const calls = { "auth.login": login };
export const scripts = { "expire-sessions": expireSessions };
