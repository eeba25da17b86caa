// mail's database (migrations/V1__outbox.sql). Every statement here is in ../queries.sql, which
// the migration checks prove against each pending migration. The runtime calls these when
// DATABASE_URL is set.

/** A message queued in the outbox (the sender delivers it later). */
async function send(db, body, handled) {
  const { rows } = await db.query(
    "insert into outbox (recipient, subject, body) values ($1, $2, $3) returning id",
    [
      body.recipient,
      handled.body.subject,
      JSON.stringify({ template: body.template, params: body.params ?? {} }),
    ],
  );
  return { status: 202, body: { ...handled.body, id: Number(rows[0].id) } };
}

export const calls = { "mail.send": send };
