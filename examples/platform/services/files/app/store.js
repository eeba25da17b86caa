// files' database (migrations/V1__files.sql, V2__shares.sql). The runtime calls these when
// DATABASE_URL is set.

/** handle()'s sort keys to columns (handle() refuses any other key). */
const columns = { name: "path", size: "size", modified: "created_at" };

/** A user's folder: /home/<owner>/... belongs to <owner>. */
const ownerOf = (path) => /^\/home\/([^/]+)/.exec(path)?.[1] ?? "shared";

async function browse(db, body) {
  const folder = body.path.replace(/\/+$/, "");
  const prefix = `${folder.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  const order = columns[body.sortBy ?? "name"];
  const limit = body.itemsPerPage ?? 25;
  const { rows } = await db.query(
    `select path, size, count(*) over () as total from files
      where owner = $1 and path like $2 order by ${order}, path limit $3`,
    [ownerOf(folder), prefix, limit],
  );
  return {
    status: 200,
    body: {
      items: rows.map((r) => ({ name: r.path.slice(folder.length + 1), size: Number(r.size) })),
      total: Number(rows[0]?.total ?? 0),
    },
  };
}

async function upload(db, body) {
  const owner = ownerOf(body.path);
  const policy = body.conflictPolicy ?? "reject";
  if (policy === "replace") {
    const { rows } = await db.query(
      `insert into files (owner, path, size) values ($1, $2, $3)
       on conflict (owner, path) do update set size = excluded.size, created_at = now() returning id, path`,
      [owner, body.path, body.size],
    );
    return { status: 201, body: { id: Number(rows[0].id), path: rows[0].path, size: body.size } };
  }
  for (let n = 0; n < (policy === "rename" ? 100 : 1); n++) {
    const path = n === 0 ? body.path : body.path.replace(/(\.[^./]*)?$/, (ext) => ` (${n})${ext}`);
    const { rows } = await db.query(
      "insert into files (owner, path, size) values ($1, $2, $3) on conflict (owner, path) do nothing returning id",
      [owner, path, body.size],
    );
    if (rows[0]) return { status: 201, body: { id: Number(rows[0].id), path, size: body.size } };
  }
  return { status: 409, body: { error: `${body.path} exists` } };
}

/** The nightly CronJob: shares past their expiry removed. */
async function expireShares({ db, log }) {
  if (!db) throw new Error("DATABASE_URL is not set");
  const { rowCount } = await db.query("delete from shares where expires_at < now()");
  log(`expire-shares: ${rowCount} expired share(s) removed`);
}

/** The ad-hoc Job: the tables' indexes rebuilt. */
async function reindex({ db, log }) {
  if (!db) throw new Error("DATABASE_URL is not set");
  for (const table of ["files", "shares"]) {
    await db.query(`reindex table ${table}`);
    log(`reindex: ${table} reindexed`);
  }
}

export const calls = { "files.browse": browse, "files.upload": upload };
export const scripts = { "expire-shares": expireShares, reindex };
