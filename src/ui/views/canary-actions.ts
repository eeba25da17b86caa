import { html, type Html } from "../html.ts";

/**
 * The promote and abort buttons of a service's canary in an environment, for the views that
 * show a canary: each leads to its confirmation page (GET), whose form does the POST. Nothing in
 * read-only mode; promote only while the canary is paused, since it goes past a pause.
 */
export function canaryActions(options: {
  readonly env: string;
  readonly service: string;
  readonly paused: boolean;
  readonly readOnly: boolean;
}): Html | "" {
  if (options.readOnly) return "";
  const query = `env=${encodeURIComponent(options.env)}&service=${encodeURIComponent(options.service)}`;
  return html`<div class="actions" data-canary-actions="${options.service}">
    ${
      options.paused
        ? html`<a class="button" href="/actions/canary/promote?${query}">Promote the canary…</a>`
        : ""
    }
    <a class="button danger" href="/actions/canary/abort?${query}">Abort the canary…</a>
  </div>`;
}
