import type { Context, Hono } from "hono";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../../definitions/model.ts";
import type { Dashboard } from "../dashboard.ts";
import { textOf, type Html } from "../html.ts";
import { sameToken } from "../security.ts";
import type { Session } from "../sessions.ts";
import { resultPage } from "../views/actions.ts";
import { page, type PageContext } from "../views/layout.ts";

/** Who acts for a request: the signed-in person, or the kubeconfig's identity on loopback. */
export interface Actor {
  readonly session?: Session;
  readonly csrf: string;
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
}

/** The dashboard's Hono environment: every request carries its actor (set by the sign-in routes). */
export type DashboardEnv = { Variables: { actor: Actor } };
export type DashboardApp = Hono<DashboardEnv>;
export type DashboardContext = Context<DashboardEnv>;

/** What every group of routes draws and checks with. */
export interface RouteKit {
  /** The project's name and read-only mode, as the matrix's views take them. */
  readonly ctx: { readonly project: string; readonly readOnly: boolean };
  /** A whole page in the layout, with the signed-in person (if any) in its header. */
  render(c: DashboardContext, title: string, body: Html, status?: number): Promise<Response>;
  /** The environment of that name; none given: the first. */
  envNamed(name: string | undefined): EnvironmentModel | undefined;
  /** The answer to any action in read-only mode. */
  actionsOff(c: DashboardContext): Promise<Response>;
  /** An action's form, or the refusal: read-only mode, or a missing or wrong CSRF token. */
  checkPost(c: DashboardContext): Promise<Record<string, string> | Response>;
}

export const notFound = (text: string) => ({ title: "Not found", ok: false, text, back: "/" });

export function routeKit(d: Dashboard): RouteKit {
  const ctx = { project: d.project.name, readOnly: d.readOnly };
  const pageContext = (c: DashboardContext): PageContext => {
    const session = c.get("actor")?.session;
    return session ? { ...ctx, person: session.person.username, csrf: session.csrf } : ctx;
  };
  const render = async (c: DashboardContext, title: string, body: Html, status = 200): Promise<Response> =>
    c.html(await textOf(page(pageContext(c), title, body)), status as 200);
  // Actions: a confirmation page (GET), then the POST with the token. None in read-only mode.
  const actionsOff = (c: DashboardContext) =>
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
  return {
    ctx,
    render,
    envNamed: (name) =>
      d.environments.find((e) => e.name === name) ?? (name === undefined ? d.environments[0] : undefined),
    actionsOff,
    async checkPost(c) {
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
    },
  };
}
