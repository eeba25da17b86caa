import { html, type Html } from "../html.ts";

export interface PageContext {
  readonly project: string;
  readonly readOnly: boolean;
  /** Signed in: who, and their form token for signing out. */
  readonly person?: string;
  readonly csrf?: string;
}

/** Every page: the top bar, the stylesheet, and htmx with its SSE extension (no build step). */
export function page(ctx: PageContext, title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${ctx.project} · slipway</title>
        <link rel="stylesheet" href="/assets/style.css" />
        <!-- Not deferred: htmx then waits for DOMContentLoaded, by which time its SSE extension
             is registered; deferred, htmx could process the page before the extension loaded. -->
        <script src="/assets/htmx.js"></script>
        <script src="/assets/hx-sse.js"></script>
        <script src="/assets/live.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <h1>slipway · ${ctx.project}</h1>
          <nav aria-label="Pages">
            <a href="/">Matrix</a><a href="/deploys">Live deploys</a><a href="/promotions">Promotions</a>
          </nav>
          ${ctx.readOnly ? html`<span class="muted">read-only: no actions</span>` : ""}
          ${
            ctx.person
              ? html`<form method="post" action="/sign-out" class="person">
                  <span data-person>signed in as ${ctx.person}</span>
                  <input type="hidden" name="csrf" value="${ctx.csrf ?? ""}" />
                  <button type="submit">Sign out</button>
                </form>`
              : ""
          }
        </header>
        <main id="main">${body}</main>
      </body>
    </html>`;
}
