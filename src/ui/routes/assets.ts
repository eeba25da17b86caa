import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { liveScript } from "../views/live-script.ts";
import { stylesheet } from "../views/style.ts";
import type { DashboardApp } from "./kit.ts";

const require = createRequire(import.meta.url);
/** htmx as its package ships it: no bundling, no build step at run time. */
const asset = (path: string): string => readFileSync(require.resolve(path), "utf8");

/** The pages' scripts and stylesheet. */
export function registerAssets(app: DashboardApp): void {
  const htmx = asset("htmx.org/dist/htmx.min.js");
  const sse = asset("htmx.org/dist/ext/hx-sse.min.js");
  const js = { "content-type": "text/javascript; charset=utf-8", "cache-control": "max-age=3600" };
  app.get("/assets/htmx.js", (c) => c.body(htmx, 200, js));
  app.get("/assets/hx-sse.js", (c) => c.body(sse, 200, js));
  app.get("/assets/live.js", (c) => c.body(liveScript, 200, js));
  app.get("/assets/style.css", (c) =>
    c.body(stylesheet, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "max-age=3600" }),
  );
}
