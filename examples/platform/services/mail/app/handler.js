// mail: notifications by e-mail. handle() is the program; serve() only carries it over HTTP.
import { createServer } from "node:http";
import { pathToFileURL, URL } from "node:url";

/** Template → subject; a real service renders the body from the template too. */
const templates = new Map([
  ["welcome", "Welcome, {name}"],
  ["quota-warning", "{name}, your storage is {percent}% full"],
]);

/** One request ({ method, path, query, body }) to one response ({ status, body }). */
export function handle({ method, path, body }) {
  if (method === "GET" && (path === "/healthz" || path === "/ready"))
    return { status: 200, body: { ok: true } };
  if (method === "POST" && path === "/mail/send") {
    if (typeof body?.recipient !== "string" || !/^[^@\s]+@[^@\s]+$/.test(body.recipient))
      return invalid("recipient must be an e-mail address");
    const template = templates.get(body.template);
    if (!template) return invalid(`no template ${body.template}`);
    const params = body.params ?? {};
    const missing = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((p) => !(p in params));
    if (missing.length) return invalid(`template ${body.template} needs ${missing.join(", ")}`);
    const subject = template.replace(/\{(\w+)\}/g, (_, p) => params[p]);
    return { status: 202, body: { queued: true, recipient: body.recipient, subject } };
  }
  return { status: 404, body: { error: `no route ${method} ${path}` } };
}

/** The smoke test's call through the Service (--run-script smoke-test): the new version sends itself a test message. */
export const smoke = {
  call: "mail.send",
  body: { recipient: "smoke-test@example.org", template: "welcome", params: { name: "smoke test" } },
  expect: [202],
};

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
