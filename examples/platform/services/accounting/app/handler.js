// accounting: wallets and charges. handle() is the program; serve() only carries it over HTTP.
import { createServer } from "node:http";
import { pathToFileURL, URL } from "node:url";

/** Wallet id → balance in cents; a real service keeps these in its database. */
const wallets = new Map([[1, 10_000]]);

/** One request ({ method, path, query, body }) to one response ({ status, body }). */
export function handle({ method, path, body }) {
  if (method === "GET" && (path === "/healthz" || path === "/ready"))
    return { status: 200, body: { ok: true } };
  if (method === "POST" && path === "/accounting/charge") {
    if (!Number.isInteger(body?.walletId)) return invalid("walletId must be an integer");
    if (typeof body.amount !== "number" || !(body.amount > 0))
      return invalid("amount must be a positive number");
    const balance = wallets.get(body.walletId);
    if (balance === undefined) return { status: 404, body: { error: `no wallet ${body.walletId}` } };
    const cents = Math.round(body.amount * 100);
    if (cents > balance)
      return { status: 402, body: { error: "insufficient funds", balance: balance / 100 } };
    wallets.set(body.walletId, balance - cents);
    return { status: 200, body: { walletId: body.walletId, balance: (balance - cents) / 100 } };
  }
  return { status: 404, body: { error: `no route ${method} ${path}` } };
}

/** The smoke test's call through the Service (--run-script smoke-test): a charge to a wallet that does not exist: the call and the wallet lookup run, no money moves. */
export const smoke = { call: "accounting.charge", body: { walletId: 0, amount: 0.01 }, expect: [404] };

const invalid = (error) => ({ status: 400, body: { error } });

/** Serves handle() over HTTP on $PORT (default 8080): JSON in, JSON out. */
export function serve(port = Number(process.env.PORT ?? 8080)) {
  return createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const query = Object.fromEntries(url.searchParams);
    const out = handle({ method: req.method, path: url.pathname, query, body });
    res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
  }).listen(port);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) serve();
