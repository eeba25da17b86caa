import { buildMatrix } from "../../status/matrix.ts";
import type { PlatformSnapshot } from "../../status/platform-cache.ts";
import { each, html, type Html } from "../html.ts";
import { stateLabel } from "./matrix.ts";

/** The deploys that run now, or died and can be resumed, and the last failures: live. */
export function deploysFragment(snapshot: PlatformSnapshot): Html {
  const matrix = buildMatrix(snapshot);
  const shown = matrix.cells.filter(
    (c) => c.state === "in-progress" || c.state === "interrupted" || c.state === "failed",
  );
  return html`${each(
    matrix.environments,
    (e) =>
      html`<p data-env="${e.name}">
        <strong>${e.name}</strong>:
        ${e.lock ? `🔒 ${e.lock.holder} since ${e.lock.since}` : "🔓 no deploy holds the lock"}
      </p>`,
  )}
  ${
    shown.length
      ? html`<ul class="checks">
          ${each(shown, (c) => {
            const label = stateLabel[c.state];
            return html`<li data-service="${c.service}" data-env="${c.environment}" data-state="${c.state}">
              <a href="/services/${c.service}?env=${c.environment}">${c.service}</a> in ${c.environment}:
              <span class="state ${c.state}">${label.icon} ${label.text}</span>
              ${c.latest ? html`r${c.latest.revision} ${c.latest.version}: ${c.latest.description}` : ""}
              ${c.rolledBackTo ? html`<span class="flag">rolled back by itself to ${c.rolledBackTo}</span>` : ""}
            </li>`;
          })}
        </ul>`
      : html`<p class="muted">
          No deploy is running, none was interrupted, and the latest releases did not fail.
        </p>`
  }`;
}

export function deploysPage(snapshot: PlatformSnapshot): Html {
  return html`<h2>Live deploys</h2>
    <div id="deploys" hx-sse:connect="/events/deploys" hx-swap="innerHTML">
      ${deploysFragment(snapshot)}
    </div>`;
}
