import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Dashboard } from "../dashboard.ts";
import { sameToken } from "../security.ts";
import { signInPage } from "../views/sign-in.ts";
import type { DashboardApp, RouteKit } from "./kit.ts";

const sessionCookie = "slipway_session";

/** Where to go after signing in: a path on this server, never another site. */
const safeNext = (next: string | undefined): string =>
  next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";

/**
 * Who acts for each request: with sign-in, the signed-in person (the sign-in and sign-out
 * routes, and a session required for everything else); without, the kubeconfig's identity.
 * Registered before every other route, which relies on the actor being set.
 */
export function registerSignIn(app: DashboardApp, d: Dashboard, { render }: RouteKit): void {
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
}
