// files: storage, browsing and sharing. handle() is the program; serve() only carries it over HTTP.
import { createServer } from "node:http";
import { pathToFileURL, URL } from "node:url";

/** Folder → entries; a real service reads these from its storage. */
const folders = new Map([
  [
    "/home/ada",
    Array.from({ length: 45 }, (_, i) => ({
      name: `notes-${String(i).padStart(2, "0")}.txt`,
      size: 100 + i,
    })),
  ],
]);
const sortKeys = ["name", "size", "modified"];
const conflictPolicies = ["rename", "replace", "reject"];

/** One request ({ method, path, query, body }) to one response ({ status, body }). */
export function handle({ method, path, body }) {
  if (method === "GET" && (path === "/healthz" || path === "/ready"))
    return { status: 200, body: { ok: true } };
  if (method === "POST" && path === "/files/browse") {
    if (typeof body?.path !== "string") return invalid("path is required");
    const entries = folders.get(body.path);
    if (!entries) return { status: 404, body: { error: `no folder ${body.path}` } };
    const sortBy = body.sortBy ?? "name";
    if (!sortKeys.includes(sortBy)) return invalid(`sortBy must be one of ${sortKeys.join(", ")}`);
    const itemsPerPage = body.itemsPerPage ?? 25;
    if (!Number.isInteger(itemsPerPage) || itemsPerPage < 1)
      return invalid("itemsPerPage must be a positive integer");
    const sorted = [...entries].sort((a, b) => (a[sortBy] < b[sortBy] ? -1 : a[sortBy] > b[sortBy] ? 1 : 0));
    return { status: 200, body: { items: sorted.slice(0, itemsPerPage), total: entries.length } };
  }
  if (method === "POST" && path === "/files/upload") {
    if (typeof body?.path !== "string" || !/^\/[^/]/.test(body.path) || body.path.endsWith("/"))
      return invalid("path must be an absolute file path");
    if (!Number.isInteger(body.size) || body.size < 0) return invalid("size must be a whole number of bytes");
    const policy = body.conflictPolicy ?? "reject";
    if (!conflictPolicies.includes(policy))
      return invalid(`conflictPolicy must be one of ${conflictPolicies.join(", ")}`);
    const slash = body.path.lastIndexOf("/");
    const folder = body.path.slice(0, slash) || "/";
    const name = body.path.slice(slash + 1);
    const entries = folders.get(folder) ?? [];
    const existing = entries.find((e) => e.name === name);
    if (existing && policy === "reject") return { status: 409, body: { error: `${body.path} exists` } };
    if (existing && policy === "replace") existing.size = body.size;
    else {
      let stored = name;
      for (let n = 1; entries.some((e) => e.name === stored); n++)
        stored = name.replace(/(\.[^.]*)?$/, (ext) => ` (${n})${ext}`);
      entries.push({ name: stored, size: body.size });
      folders.set(folder, entries);
      return { status: 201, body: { path: `${folder === "/" ? "" : folder}/${stored}`, size: body.size } };
    }
    return { status: 201, body: { path: body.path, size: body.size } };
  }
  return { status: 404, body: { error: `no route ${method} ${path}` } };
}

/** The smoke test's call through the Service (--run-script smoke-test): browsing a folder. */
export const smoke = { call: "files.browse", body: { path: "/home/ada" }, expect: [200] };

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
