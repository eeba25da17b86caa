// app-orchestrator: starts and stops application pods. handle() is the program; serve() only
// carries it over HTTP.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL, URL } from "node:url";

/** Job id → job; a real service keeps these in its database and starts Kubernetes Jobs. */
const jobs = new Map();

/** One request ({ method, path, query, body }) to one response ({ status, body }). */
export function handle({ method, path, body }) {
  if (method === "GET" && (path === "/healthz" || path === "/ready"))
    return { status: 200, body: { ok: true } };
  if (method === "POST" && path === "/apps/start") {
    const app = body?.application;
    if (typeof app?.name !== "string" || typeof app?.version !== "string")
      return invalid("application needs a name and a version");
    const replicas = body.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16)
      return invalid("replicas must be 1 to 16");
    const hours = body.timeAllocationHours ?? 1;
    if (!(hours > 0) || hours > 72) return invalid("timeAllocationHours must be above 0 and at most 72");
    const job = {
      jobId: randomUUID(),
      application: `${app.name}:${app.version}`,
      replicas,
      hours,
      state: "starting",
    };
    jobs.set(job.jobId, job);
    return { status: 201, body: job };
  }
  if (method === "POST" && path === "/apps/stop") {
    const job = jobs.get(body?.jobId);
    if (!job) return { status: 404, body: { error: `no job ${body?.jobId}` } };
    job.state = "stopping";
    return { status: 200, body: job };
  }
  return { status: 404, body: { error: `no route ${method} ${path}` } };
}

/** The smoke test's call through the Service (--run-script smoke-test): stopping a job that does not exist: the call and the lookup run, nothing stops. */
export const smoke = { call: "apps.stop", body: { jobId: "0" }, expect: [404] };

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
