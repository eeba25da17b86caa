import { Hono } from "hono";
import type { Dashboard } from "./dashboard.ts";
import { sameOrigin } from "./security.ts";
import { registerActions } from "./routes/actions.ts";
import { registerAssets } from "./routes/assets.ts";
import { registerCanaryActions } from "./routes/canary.ts";
import { errorPage } from "./routes/errors.ts";
import { routeKit, type DashboardEnv } from "./routes/kit.ts";
import { registerPages } from "./routes/pages.ts";
import { registerPromotions } from "./routes/promotions.ts";
import { registerSignIn } from "./routes/sign-in.ts";

/**
 * The dashboard's routes on one app: the Origin and Host checks and the response headers
 * first, then who acts (sign-in), then the pages and actions of each area (src/ui/routes).
 */
export function dashboardApp(d: Dashboard): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const kit = routeKit(d);
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
  registerSignIn(app, d, kit);
  registerAssets(app);
  registerPages(app, d, kit);
  registerActions(app, d, kit);
  registerPromotions(app, d, kit);
  registerCanaryActions(app, d, kit);
  app.onError(errorPage(d, kit));
  return app;
}
