// auth: users, sessions and tokens. handle() is the program; serve() only carries it over HTTP.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL, URL } from "node:url";

const providers = ["password", "wayf", "orcid"];

/** One request ({ method, path, query, body }) to one response ({ status, body }). */
export function handle({ method, path, body }) {
  if (method === "GET" && (path === "/healthz" || path === "/ready"))
    return { status: 200, body: { ok: true } };
  if (method === "POST" && path === "/auth/login") {
    if (typeof body?.username !== "string" || body.username === "") return invalid("username is required");
    if (!providers.includes(body.provider)) return invalid(`provider must be one of ${providers.join(", ")}`);
    return {
      status: 200,
      body: { username: body.username, token: randomUUID(), refreshToken: randomUUID() },
    };
  }
  if (method === "POST" && path === "/auth/refresh") {
    if (typeof body?.refreshToken !== "string") return invalid("refreshToken is required");
    return { status: 200, body: { token: randomUUID() } };
  }
  return { status: 404, body: { error: `no route ${method} ${path}` } };
}

/** The smoke test's call through the Service (--run-script smoke-test): a login of the smoke-test user. */
export const smoke = {
  call: "auth.login",
  body: { username: "smoke-test", provider: "password" },
  expect: [200],
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
