import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
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
import { html, textOf, type Html } from "./html.ts";
import { sameOrigin, sameToken } from "./security.ts";
import { NotSignedInThere, type Session, type SessionStore } from "./sessions.ts";
import { confirmPage, resultPage } from "./views/actions.ts";
import { deploysFragment, deploysPage } from "./views/deploys.ts";
import { page, type PageContext } from "./views/layout.ts";
import { matrixFragment, matrixPage } from "./views/matrix.ts";
import { liveScript } from "./views/live-script.ts";
import { signInPage } from "./views/sign-in.ts";
import { promotionsPage } from "./views/promotions.ts";
import { PromotionStore } from "../promotion/request.ts";
import { approveAndDeploy } from "../promotion/approve-and-deploy.ts";
import { promotableServices, requestPromotion } from "../promotion/promote.ts";
import { planFor, sessionActingIn } from "../plan/plan-for-session.ts";
import { readPromotionReleases } from "../promotion/basis.ts";
import { formatPlan, plain } from "../plan/format.ts";
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
  /** The form token when nobody signs in (one per server start). */
  readonly csrf: string;
  /** The Host values this server answers to (its address and port, localhost's too). */
  readonly hosts: readonly string[];
  /**
   * With sign-in: every page needs a session, and every action runs with the signed-in
   * person's own token. Without: one person on loopback, acting as the kubeconfig's identity.
   */
  readonly sessions?: SessionStore;
  /** Served over TLS: the session cookie is then `Secure`. */
  readonly secure: boolean;
}

/** Who acts for a request: the signed-in person, or the kubeconfig's identity on loopback. */
interface Actor {
  readonly session?: Session;
  readonly csrf: string;
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
}

const sessionCookie = "slipway_session";

const require = createRequire(import.meta.url);
/** htmx as its package ships it: no bundling, no build step at run time. */
const asset = (path: string): string => readFileSync(require.resolve(path), "utf8");

type Env = { Variables: { actor: Actor } };

export function dashboardApp(d: Dashboard): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = { project: d.project.name, readOnly: d.readOnly };
  const pageContext = (c: Context<Env>): PageContext => {
    const session = c.get("actor")?.session;
    return session ? { ...ctx, person: session.person.username, csrf: session.csrf } : ctx;
  };
  const render = async (c: Context<Env>, title: string, body: Html, status = 200): Promise<Response> =>
    c.html(await textOf(page(pageContext(c), title, body)), status as 200);
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
    if (d.sessions) c.header("cache-control", "no-store");
  });

  // Sign-in: the token is reviewed by the API server, and the session cookie is all the
  // browser keeps (HTTP-only, SameSite=Strict, with an expiry).
  const sessions = d.sessions;
  if (sessions) {
    app.get("/sign-in", (c) => render(c, "Sign in", signInPage({ next: safeNext(c.req.query("next")) })));
    app.post("/sign-in", async (c) => {
      const form = await c.req.parseBody();
      const next = safeNext(typeof form.next === "string" ? form.next : undefined);
      const signedIn = await sessions.signIn(typeof form.token === "string" ? form.token : "");
      if (!signedIn.ok) return render(c, "Sign in", signInPage({ next, refusal: signedIn.refusal }), 401);
      setCookie(c, sessionCookie, signedIn.session.id, {
        httpOnly: true,
        sameSite: "Strict",
        secure: d.secure,
        path: "/",
        expires: new Date(signedIn.session.expiresAt),
      });
      return c.redirect(next, 303);
    });
    app.post("/sign-out", async (c) => {
      const id = getCookie(c, sessionCookie);
      const session = sessions.find(id);
      const form = await c.req.parseBody();
      if (session && sameToken(typeof form.csrf === "string" ? form.csrf : undefined, session.csrf))
        sessions.end(session.id);
      deleteCookie(c, sessionCookie, { path: "/", secure: d.secure });
      return c.redirect("/sign-in", 303);
    });
  }
  app.use("*", async (c, next) => {
    if (!sessions) {
      c.set("actor", { csrf: d.csrf, clusterFor: d.clusterFor });
      return next();
    }
    if (c.req.path === "/sign-in" || c.req.path === "/sign-out" || c.req.path.startsWith("/assets/"))
      return next();
    const session = sessions.find(getCookie(c, sessionCookie));
    if (!session) {
      // A page asks the person to sign in; a live stream or a form post is refused outright.
      if (c.req.method === "GET" && !c.req.path.startsWith("/events/"))
        return c.redirect(
          `/sign-in?next=${encodeURIComponent(c.req.url.slice(new URL(c.req.url).origin.length))}`,
          303,
        );
      return c.text("refused: sign in first (no session, or it expired)", 401);
    }
    c.set("actor", {
      session,
      csrf: session.csrf,
      clusterFor: (env) => session.clusterLike(d.clusterFor(env)),
    });
    return next();
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
  const actionsOff = (c: Context<Env>) =>
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
  const checkPost = async (c: Context<Env>): Promise<Record<string, string> | Response> => {
    if (d.readOnly) return actionsOff(c);
    const form = Object.fromEntries(
      Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v : ""]),
    );
    if (!sameToken(form.csrf, c.get("actor").csrf))
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
        csrf: c.get("actor").csrf,
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
    const cluster = c.get("actor").clusterFor(env);
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
        csrf: c.get("actor").csrf,
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
          cluster: c.get("actor").clusterFor(env),
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

  // Promotions: read with the dashboard's identity like every page; approved with the person's.
  app.get("/promotions", async (c) => {
    const environments = await Promise.all(
      d.environments
        .filter((e) => e.approval && e.promotion)
        .map(async (e) => ({
          name: e.name,
          from: e.promotion?.from ?? "",
          approvers: e.approval?.approvers ?? [],
          required: e.approval?.required ?? 1,
          promotions: await new PromotionStore(d.clusterFor(e), e.cluster.namespace, e.name).list(),
        })),
    );
    return render(c, "Promotions", promotionsPage({ environments, readOnly: d.readOnly }));
  });
  app.get("/actions/promote", (c) => {
    if (d.readOnly) return actionsOff(c);
    const env = envNamed(c.req.query("env") ?? "");
    if (!env?.approval || !env.promotion)
      return render(c, "Not found", resultPage(notFound(`${c.req.query("env")} takes no promotions`)), 404);
    return render(
      c,
      "Request a promotion",
      confirmPage({
        title: `Request a promotion from ${env.promotion.from} to ${env.name}`,
        explain: `Plans ${env.name} for every service that runs another version or image in ${env.promotion.from} than in ${env.name}, exactly as ${env.promotion.from} runs it, with ${env.name}'s parameters, and keeps the request in ${env.name} for an approver: nothing is deployed now. It is refused while a check fails (a version not signed off in ${env.promotion.from}, a tag pushed again, ...).`,
        action: "/actions/promote",
        csrf: c.get("actor").csrf,
        fields: { env: env.name },
        back: "/promotions",
        confirm: "Request the promotion",
      }),
    );
  });
  app.post("/actions/promote", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    const from = d.project.environments.find((e) => e.name === env?.promotion?.from);
    if (!env?.approval || !from)
      return render(c, "Refused", resultPage(notFound(`${form.env} takes no promotions`)), 404);
    const cluster = c.get("actor").clusterFor(env);
    const search = d.searchFor(env);
    // The earlier environment is read with the dashboard's own identity, as pages are.
    const session = sessionActingIn({
      project: d.project,
      env,
      cluster,
      readerFor: d.clusterFor,
      ...(search ? { search } : {}),
    });
    const releases = await readPromotionReleases({
      from,
      fromCluster: d.clusterFor(from),
      to: env,
      toCluster: cluster,
    });
    const services = promotableServices(d.project, env, releases.from);
    if (!services.length)
      return render(
        c,
        "Refused",
        resultPage({
          title: "Refused",
          ok: false,
          text: `${from.name} runs nothing ${env.name} defines: nothing to promote`,
          back: "/promotions",
        }),
        409,
      );
    const plan = await planFor(session, services, { approval: { kind: "requesting" } });
    const result = await requestPromotion({
      from,
      fromCluster: d.clusterFor(from),
      to: env,
      toCluster: cluster,
      plan,
      releases,
      requestedBy: await cluster.whoami(),
    });
    const said = result.ok ? result.said : result.refusal;
    return render(
      c,
      result.ok ? "Requested" : "Refused",
      html`${resultPage({ title: result.ok ? "Requested" : "Refused", ok: result.ok, text: said, back: "/promotions" })}
        <pre class="detail">${formatPlan(plan, plain)}</pre>`,
      result.ok || result.nothingToDo ? 200 : 409,
    );
  });

  app.get("/actions/approve", async (c) => {
    if (d.readOnly) return actionsOff(c);
    const { env = "", id = "" } = c.req.query();
    const target = envNamed(env);
    const found = target
      ? await new PromotionStore(d.clusterFor(target), target.cluster.namespace, target.name).get(id)
      : undefined;
    if (!target || !found)
      return render(c, "Not found", resultPage(notFound(`no promotion ${id} in ${env}`)), 404);
    const p = found.request;
    return render(
      c,
      "Approve",
      confirmPage({
        title: `Approve promotion ${p.id} to ${p.to}`,
        explain: `${p.requestedBy} asked at ${p.requestedAt} to promote ${p.services.map((s) => `${s.service} ${s.version}`).join(", ")} from ${p.from}. Approving checks that nothing moved since, then deploys it to ${p.to} now with your credentials, through the whole procedure (migrations, audit index, rollout, automatic rollback). The requester cannot approve it.`,
        action: "/actions/approve",
        csrf: c.get("actor").csrf,
        fields: { env, id },
        back: "/promotions",
        confirm: "Approve and deploy",
        danger: true,
        detail: p.plan,
      }),
    );
  });
  app.post("/actions/approve", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    const search = d.searchFor(env);
    const outcome = await approveAndDeploy({
      project: d.project,
      env,
      id: form.id ?? "",
      clusterFor: c.get("actor").clusterFor,
      readerFor: d.clusterFor,
      ...(search ? { search } : {}),
      events: () => undefined,
    });
    const title = { refused: "Refused", counted: "Approved", deployed: "Deployed", failed: "Deploy failed" }[
      outcome.kind
    ];
    return render(
      c,
      title,
      resultPage({ title, ok: outcome.ok, text: outcome.said, back: "/promotions" }),
      outcome.kind === "refused" ? 409 : outcome.ok ? 200 : 500,
    );
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
        csrf: c.get("actor").csrf,
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
    const cluster = c.get("actor").clusterFor(env);
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

  app.onError(async (error, c) => {
    if (error instanceof NotSignedInThere)
      return render(
        c,
        "Refused",
        resultPage({ title: "Refused", ok: false, text: `refused: ${error.message}`, back: "/" }),
        403,
      );
    // The API server judged the person's own credentials: its words are the answer.
    if (error instanceof KubernetesApiError && error.status === 403)
      return render(
        c,
        "Refused",
        resultPage({
          title: "Refused",
          ok: false,
          text: `refused by the API server: ${error.message}`,
          back: "/",
        }),
        403,
      );
    const session = c.get("actor")?.session;
    if (error instanceof KubernetesApiError && error.status === 401 && session) {
      sessions?.end(session.id);
      return render(
        c,
        "Signed out",
        resultPage({
          title: "Signed out",
          ok: false,
          text: "the API server no longer accepts your token (expired or revoked): sign in again",
          back: "/sign-in",
        }),
        401,
      );
    }
    return render(
      c,
      "Error",
      resultPage({ title: "Error", ok: false, text: `error: ${error.message}`, back: "/" }),
      500,
    );
  });
  return app;
}

const notFound = (text: string) => ({ title: "Not found", ok: false, text, back: "/" });

/** Where to go after signing in: a path on this server, never another site. */
const safeNext = (next: string | undefined): string =>
  next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";

/**
 * A page's live part over Server-Sent Events: the fragment at once (a reconnect misses
 * nothing), again after every change of the cache, and a ping every 10 s so proxies keep the
 * stream open and the page knows it lives. htmx swaps each message into the element and
 * reconnects a stream that ends; live.js replaces one that went silent.
 */
function live(c: Context<Env>, cache: PlatformCache, fragment: () => Html | Promise<Html>): Response {
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
