import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { deployer } from "../procedure/identity.ts";
import { forceUnlock, LockHeld } from "../procedure/lock.ts";
import { rollbackService, RollbackTargetMissing } from "../procedure/rollback-service.ts";
import type { ReleaseRecord } from "../release/record.ts";
import { signOff } from "../release/signoff.ts";
import { ReleaseStore } from "../release/store.ts";
import { buildMatrix, cellOf } from "../status/matrix.ts";
import { signoffsOf, summariesOf } from "../status/objects.ts";
import type { PlatformCache } from "../status/platform-cache.ts";
import { diffRevisions, timelineEntry } from "../status/timeline.ts";
import { ReleaseRecordCache } from "../status/record-cache.ts";
import { DeployProgressSource } from "./deploy-progress-source.ts";
import { textOf, type Html } from "./html.ts";
import { sameOrigin, sameToken } from "./security.ts";
import { confirmPage, resultPage } from "./views/actions.ts";
import { deploysFragment, deploysPage } from "./views/deploys.ts";
import { page } from "./views/layout.ts";
import { matrixFragment, matrixPage } from "./views/matrix.ts";
import { liveScript } from "./views/live-script.ts";
import { stylesheet } from "./views/style.ts";
import { diffPage, timelinePage } from "./views/timeline.ts";

/** Everything the dashboard's routes need: one bag, built by `slipway ui`. */
export interface Dashboard {
  readonly project: ProjectModel;
  readonly environments: readonly EnvironmentModel[];
  readonly cache: PlatformCache;
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
  readonly searchFor: (env: EnvironmentModel) => SearchClient | undefined;
  readonly readOnly: boolean;
  readonly csrf: string;
  /** The Host values this server answers to (its address and port, localhost's too). */
  readonly hosts: readonly string[];
}

const require = createRequire(import.meta.url);
/** htmx as its package ships it: no bundling, no build step at run time. */
const asset = (path: string): string => readFileSync(require.resolve(path), "utf8");

export function dashboardApp(d: Dashboard): Hono {
  const app = new Hono();
  const ctx = { project: d.project.name, readOnly: d.readOnly };
  const render = async (c: Context, title: string, body: Html, status = 200): Promise<Response> =>
    c.html(await textOf(page(ctx, title, body)), status as 200);
  const envNamed = (name: string | undefined): EnvironmentModel | undefined =>
    d.environments.find((e) => e.name === name) ?? (name === undefined ? d.environments[0] : undefined);
  const records = new ReleaseRecordCache();
  const record = (env: EnvironmentModel, service: string, revision: number): Promise<ReleaseRecord> =>
    records.get(
      env.name,
      snapshotOf(env)?.kinds.releases.objects ?? [],
      new ReleaseStore(d.clusterFor(env), env.cluster.namespace),
      service,
      revision,
    );
  const snapshotOf = (env: EnvironmentModel) =>
    d.cache.snapshot().environments.find((e) => e.env.name === env.name);

  app.use(
    "*",
    sameOrigin(() => d.hosts),
  );
  app.use("*", async (c, next) => {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    c.header("referrer-policy", "same-origin");
  });

  const htmx = asset("htmx.org/dist/htmx.min.js");
  const sse = asset("htmx.org/dist/ext/hx-sse.min.js");
  const js = { "content-type": "text/javascript; charset=utf-8", "cache-control": "max-age=3600" };
  app.get("/assets/htmx.js", (c) => c.body(htmx, 200, js));
  app.get("/assets/hx-sse.js", (c) => c.body(sse, 200, js));
  app.get("/assets/live.js", (c) => c.body(liveScript, 200, js));
  app.get("/assets/style.css", (c) =>
    c.body(stylesheet, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "max-age=3600" }),
  );

  app.get("/", (c) => render(c, "Matrix", matrixPage(buildMatrix(d.cache.snapshot()), ctx)));
  app.get("/events/matrix", (c) =>
    live(c, d.cache, () => matrixFragment(buildMatrix(d.cache.snapshot()), ctx)),
  );
  const progress = new DeployProgressSource(d.cache, d.clusterFor);
  const allProgress = () => Promise.all(d.environments.map((e) => progress.progress(e)));
  app.get("/deploys", async (c) => render(c, "Live deploys", deploysPage(await allProgress())));
  app.get("/events/deploys", (c) => live(c, d.cache, async () => deploysFragment(await allProgress())));

  app.get("/services/:name", async (c) => {
    const service = c.req.param("name");
    const env = envNamed(c.req.query("env"));
    if (!env)
      return render(c, "Not found", resultPage(notFound(`no environment ${c.req.query("env")}`)), 404);
    if (!(d.project.services.get(env.name) ?? []).some((s) => s.spec.name === service))
      return render(c, "Not found", resultPage(notFound(`no service ${service} in ${env.name}`)), 404);
    const snap = snapshotOf(env);
    const summaries = summariesOf(snap?.kinds.releases.objects ?? []).filter((s) => s.service === service);
    const signoffs = signoffsOf(snap?.kinds.signoffs.objects ?? []);
    const full = await Promise.all(summaries.map((s) => record(env, service, s.revision)));
    const deployed = summaries.find((s) => s.status === "deployed");
    return render(
      c,
      `${service} in ${env.name}`,
      timelinePage({
        service,
        env: env.name,
        environments: d.environments.map((e) => e.name),
        entries: full.map((r) => timelineEntry(r, signoffs)),
        ...(deployed ? { deployedRevision: deployed.revision } : {}),
        readOnly: d.readOnly,
      }),
    );
  });

  app.get("/services/:name/diff", async (c) => {
    const service = c.req.param("name");
    const env = envNamed(c.req.query("env"));
    const from = Number(c.req.query("from"));
    const to = Number(c.req.query("to"));
    const summaries = env
      ? summariesOf(snapshotOf(env)?.kinds.releases.objects ?? []).filter((s) => s.service === service)
      : [];
    const a = summaries.find((s) => s.revision === from);
    const b = summaries.find((s) => s.revision === to);
    if (!env || !a || !b)
      return render(
        c,
        "Not found",
        resultPage(notFound(`${service} has no revisions ${from} and ${to}`)),
        404,
      );
    const diff = diffRevisions(
      await record(env, service, a.revision),
      await record(env, service, b.revision),
    );
    return render(c, `${service}: r${from} → r${to}`, diffPage(service, env.name, from, to, diff));
  });

  // Actions: a confirmation page (GET), then the POST with the token. None in read-only mode.
  const actionsOff = (c: Context) =>
    render(
      c,
      "Read-only",
      resultPage({
        title: "Read-only",
        ok: false,
        text: "this dashboard runs --read-only: no actions",
        back: "/",
      }),
      403,
    );
  const checkPost = async (c: Context): Promise<Record<string, string> | Response> => {
    if (d.readOnly) return actionsOff(c);
    const form = Object.fromEntries(
      Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v : ""]),
    );
    if (!sameToken(form.csrf, d.csrf))
      return render(
        c,
        "Refused",
        resultPage({
          title: "Refused",
          ok: false,
          text: "refused: the form's CSRF token is missing or wrong (reload the page)",
          back: "/",
        }),
        403,
      );
    return form;
  };

  app.get("/actions/signoff", (c) => {
    if (d.readOnly) return actionsOff(c);
    const { env = "", service = "", version = "" } = c.req.query();
    return render(
      c,
      "Sign off",
      confirmPage({
        title: `Sign off ${service} ${version} in ${env}`,
        explain: `Record that ${service} ${version}, as deployed in ${env}, was tested by hand. A later environment's promotion check requires it.`,
        action: "/actions/signoff",
        csrf: d.csrf,
        fields: { env, service, version },
        back: `/services/${service}?env=${env}`,
        confirm: "Sign off",
        note: true,
      }),
    );
  });
  app.post("/actions/signoff", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    const { service = "", version = "", note = "" } = form;
    const back = `/services/${service}?env=${env?.name ?? ""}`;
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    if (!note.trim())
      return render(
        c,
        "Refused",
        resultPage({ title: "Refused", ok: false, text: "error: --note must say what was tested", back }),
        400,
      );
    const cluster = d.clusterFor(env);
    const result = await signOff(
      cluster,
      { name: env.name, namespace: env.cluster.namespace },
      { service, version, note, by: await deployer(cluster) },
    );
    return render(
      c,
      "Sign off",
      resultPage({
        title: result.ok ? "Signed off" : "Refused",
        ok: result.ok,
        text: result.ok ? result.said : `error: ${result.refusal}`,
        back,
      }),
      result.ok ? 200 : 409,
    );
  });

  app.get("/actions/rollback", (c) => {
    if (d.readOnly) return actionsOff(c);
    const { env = "", service = "", to = "" } = c.req.query();
    const snap = envNamed(env);
    const cell = snap ? cellOf(buildMatrix(d.cache.snapshot()), service, snap.name) : undefined;
    return render(
      c,
      "Roll back",
      confirmPage({
        title: `Roll back ${service} in ${env} to revision ${to}`,
        explain: `${service} runs ${cell?.liveVersion ?? "nothing"} in ${env} now. Rolling back re-applies revision ${to}'s objects with the same checks as slipway rollback (the schema check where the service has migrations) and records a new revision under your kubeconfig identity.`,
        action: "/actions/rollback",
        csrf: d.csrf,
        fields: { env, service, to },
        back: `/services/${service}?env=${env}`,
        confirm: `Roll back to r${to}`,
        danger: true,
      }),
    );
  });
  app.post("/actions/rollback", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    const service = form.service ?? "";
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    const back = `/services/${service}?env=${env.name}`;
    if (!(d.project.services.get(env.name) ?? []).some((s) => s.spec.name === service))
      return render(c, "Refused", resultPage(notFound(`no service ${service} in ${env.name}`)), 404);
    const notes: string[] = [];
    const search = d.searchFor(env);
    try {
      const result = await rollbackService(
        {
          project: d.project,
          env,
          cluster: d.clusterFor(env),
          ...(search ? { search } : {}),
          service,
          ...(form.to ? { to: Number(form.to) } : {}),
          timeoutMs: 5 * 60_000,
          scratchDatabase: "pglite",
        },
        { note: (t) => notes.push(t), warn: (t) => notes.push(t), events: () => undefined },
      );
      const ok = result.outcome === "rolled-back";
      return render(
        c,
        "Roll back",
        resultPage({
          title: ok ? "Rolled back" : result.outcome === "refused" ? "Refused" : "Rollback failed",
          ok,
          text: [...notes, result.refusal ?? result.said ?? result.message].join("\n"),
          back,
        }),
        ok ? 200 : 409,
      );
    } catch (error) {
      // The CLI's words for the same refusals (cli/run.ts), with the dashboard's way out.
      const said =
        error instanceof RollbackTargetMissing
          ? `error: ${error.message}\n  hint: ${error.hint}`
          : error instanceof LockHeld
            ? `error: ${error.message}\n  hint: try again when it is done; if the holder is gone for good, unlock ${env.name} from the matrix (unlock --force)`
            : undefined;
      if (!said) throw error;
      return render(c, "Refused", resultPage({ title: "Refused", ok: false, text: said, back }), 409);
    }
  });

  app.get("/actions/unlock", (c) => {
    if (d.readOnly) return actionsOff(c);
    const env = c.req.query("env") ?? "";
    const lock = buildMatrix(d.cache.snapshot()).environments.find((e) => e.name === env)?.lock;
    return render(
      c,
      "Unlock",
      confirmPage({
        title: `Remove the deploy lock of ${env}`,
        explain: `${lock ? `${lock.holder} holds it since ${lock.since}.` : "Nobody holds it now."} Only remove it when you know the holder is gone: this can let two deploys run at once. It is recorded as an Event with your identity.`,
        action: "/actions/unlock",
        csrf: d.csrf,
        fields: { env },
        back: "/",
        confirm: "Unlock --force",
        danger: true,
      }),
    );
  });
  app.post("/actions/unlock", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    const cluster = d.clusterFor(env);
    const holder = await forceUnlock(cluster, env.cluster.namespace, await deployer(cluster));
    return render(
      c,
      "Unlocked",
      resultPage({
        title: "Unlock",
        ok: true,
        text: holder ? `removed the lock held by ${holder}` : "no lock was held",
        back: "/",
      }),
    );
  });

  app.onError(async (error, c) =>
    render(
      c,
      "Error",
      resultPage({ title: "Error", ok: false, text: `error: ${error.message}`, back: "/" }),
      500,
    ),
  );
  return app;
}

const notFound = (text: string) => ({ title: "Not found", ok: false, text, back: "/" });

/**
 * A page's live part over Server-Sent Events: the fragment at once (a reconnect misses
 * nothing), again after every change of the cache, and a ping every 10 s so proxies keep the
 * stream open and the page knows it lives. htmx swaps each message into the element and
 * reconnects a stream that ends; live.js replaces one that went silent.
 */
function live(c: Context, cache: PlatformCache, fragment: () => Html | Promise<Html>): Response {
  return streamSSE(c, async (stream) => {
    let last = "";
    let sending = Promise.resolve();
    const send = (): void => {
      sending = sending.then(async () => {
        const text = await textOf(await fragment());
        if (text === last || stream.aborted) return;
        last = text;
        await stream.writeSSE({ data: text });
      });
      // A fragment that cannot be drawn now (a record unreadable) waits for the next change.
      sending = sending.catch(() => undefined);
    };
    const stop = cache.subscribe(send);
    // Every 10 s: a ping the page counts as life (live.js), and the fragment drawn again, sent
    // if it differs from the last one, so nothing depends on a single change notification.
    const beat = setInterval(() => {
      send();
      sending = sending.then(() => stream.writeSSE({ event: "ping", data: "" })).catch(() => undefined);
    }, 10_000);
    send();
    await new Promise<void>((resolve) => stream.onAbort(resolve));
    clearInterval(beat);
    stop();
  });
}
