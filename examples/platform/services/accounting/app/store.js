// accounting's database (migrations/V1__wallets.sql, V2__transactions.sql): what handle()
// keeps in memory, kept in its tables. The runtime calls these when DATABASE_URL is set.

/** A charge: the wallet's balance lowered and the transaction recorded, in one transaction. */
async function charge(db, body) {
  return db.transaction(async (tx) => {
    const wallet = await tx.query("select balance from wallets where id = $1 for update", [body.walletId]);
    const row = wallet.rows[0];
    if (!row) return { status: 404, body: { error: `no wallet ${body.walletId}` } };
    const balance = Number(row.balance);
    const amount = Math.round(body.amount * 100) / 100;
    if (amount > balance) return { status: 402, body: { error: "insufficient funds", balance } };
    const updated = await tx.query(
      "update wallets set balance = balance - $2 where id = $1 returning balance",
      [body.walletId, amount],
    );
    const recorded = await tx.query(
      "insert into transactions (wallet_id, amount) values ($1, $2) returning id",
      [body.walletId, amount],
    );
    return {
      status: 200,
      body: {
        walletId: body.walletId,
        balance: Number(updated.rows[0].balance),
        transactionId: Number(recorded.rows[0].id),
      },
    };
  });
}

/** The CronJob every 15 minutes: what each wallet was charged since the last run. */
async function chargeUsage({ db, log }) {
  if (!db) throw new Error("DATABASE_URL is not set");
  const { rows } = await db.query(
    `select wallet_id, count(*)::int as charges, sum(amount)::text as total
       from transactions where created_at >= now() - interval '15 minutes'
      group by wallet_id order by wallet_id`,
  );
  for (const r of rows)
    log(`charge-usage: wallet ${r.wallet_id}: ${r.charges} charge(s), ${r.total} in total`);
  log(`charge-usage: ${rows.length} wallet(s) charged in the last 15 minutes`);
}

export const calls = { "accounting.charge": charge };
export const scripts = { "charge-usage": chargeUsage };
