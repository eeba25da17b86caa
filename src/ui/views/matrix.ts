import type { Matrix, MatrixCell, ReleaseState } from "../../status/matrix.ts";
import { cellOf } from "../../status/matrix.ts";
import { shortDigest } from "../../status/objects.ts";
import { each, html, type Html } from "../html.ts";
import { canaryBadge } from "./canary.ts";

/** Each state as word and icon: colour only repeats them. */
export const stateLabel: Readonly<Record<ReleaseState, { icon: string; text: string }>> = {
  deployed: { icon: "✓", text: "deployed" },
  failed: { icon: "✗", text: "failed" },
  "rolled-back": { icon: "↩", text: "rolled back" },
  "in-progress": { icon: "⟳", text: "in progress" },
  interrupted: { icon: "‖", text: "interrupted — resumable" },
  never: { icon: "–", text: "not deployed" },
};

/** The live part of the matrix page: what an SSE message replaces. */
export function matrixFragment(matrix: Matrix, options: { readonly readOnly: boolean }): Html {
  return html`<ul class="locks" aria-label="Deploy locks">
      ${each(
        matrix.environments,
        (e) =>
          html`<li data-env="${e.name}">
            <strong>${e.name}</strong> <span class="muted">(${e.namespace})</span>:
            ${
              e.lock
                ? html`<span data-lock
                      >locked by ${e.lock.holder} since
                      ${e.lock.since}${e.lock.expired ? " (expired: the holder is gone)" : ""}</span
                    >
                    ${
                      options.readOnly
                        ? ""
                        : html`<a href="/actions/unlock?env=${e.name}">Unlock ${e.name}…</a>`
                    }`
                : html`<span>unlocked</span>`
            }
            ${
              e.frozen
                ? html` ·
                    <span class="flag missing" data-frozen
                      >❄ frozen:
                      ${e.frozen.because}${e.frozen.until ? ` (open again ${e.frozen.until})` : ""}</span
                    >`
                : ""
            }
            ${e.synced ? "" : html`<span class="muted"> · reading…</span>`}
          </li>`,
      )}
    </ul>
    ${each(
      matrix.environments.filter((e) => e.errors.length),
      (e) =>
        html`<p class="error" role="status">
          ${e.name}: ${e.errors.join("; ")} (showing the last state read)
        </p>`,
    )}
    <div class="scroll">
      <table id="matrix-table">
        <caption class="muted" style="text-align:left;padding:.4rem .6rem">
          Services down, environments across: the version each runs, its release status, drift and promotion
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            ${each(
              matrix.environments,
              (e) =>
                html`<th scope="col">
                  ${e.name}${e.frozen ? html` <span data-frozen>❄ frozen</span>` : ""}
                </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${each(
            matrix.services,
            (service) =>
              html`<tr data-service="${service}">
                <th scope="row"><a href="/services/${service}">${service}</a></th>
                ${each(matrix.environments, (e) => cellView(cellOf(matrix, service, e.name), service, e.name))}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

function cellView(cell: MatrixCell | undefined, service: string, env: string): Html {
  if (!cell) return html`<td class="cell muted" data-env="${env}">not defined here</td>`;
  const label = stateLabel[cell.state];
  const digest = shortDigest(cell.digest);
  return html`<td class="cell" data-env="${env}" data-state="${cell.state}">
    <a href="/services/${service}?env=${env}" aria-label="${service} in ${env}: timeline">
      <span class="version" data-version>${cell.liveVersion ?? "—"}</span></a
    >
    ${digest ? html`<span class="mono muted" title="${cell.digest}">@${digest}</span>` : ""}
    ${
      cell.liveVersion !== cell.definedVersion
        ? html`<span class="flag muted">defined: ${cell.definedVersion}</span>`
        : ""
    }
    <span class="state ${cell.state}" data-status
      >${label.icon} ${label.text}${cell.latest ? ` (r${cell.latest.revision})` : ""}</span
    >
    ${cell.latest?.canary ? canaryBadge(cell.latest.canary) : ""}
    ${
      cell.rolledBackTo
        ? html`<span class="flag"
            >${cell.state === "failed" ? "rolled back by itself to" : "back to"} ${cell.rolledBackTo}</span
          >`
        : ""
    }
    ${
      cell.drift.length
        ? html`<span class="flag drift" data-drift title="${cell.drift.join("; ")}"
              >⚠ drift: ${cell.drift.join("; ")}</span
            ><span class="flag muted mono" data-drift-fix
              >slipway drift --env ${env} ${service} shows the fields; slipway deploy --env ${env} ${service}
              --reclaim restores them as defined, also what other field managers added</span
            >`
        : cell.latest
          ? html`<span class="flag ok">no drift seen</span>`
          : ""
    }
    ${
      cell.promotion
        ? html`<span class="flag ${cell.promotion.deployedThere ? "ok" : "missing"}" data-promotion
              >${cell.promotion.deployedThere ? "✓" : "✗"} ${cell.promotion.version} in
              ${cell.promotion.from}</span
            ><span
              class="flag ${cell.promotion.signoff ? "ok" : cell.promotion.signoffRequired ? "missing" : "muted"}"
              data-promotion-signoff
              >${
                cell.promotion.signoff
                  ? `✓ signed off by ${cell.promotion.signoff.by}`
                  : cell.promotion.signoffRequired
                    ? `✗ not signed off in ${cell.promotion.from}`
                    : "sign-off not required"
              }</span
            >`
        : cell.signoff
          ? html`<span class="flag ok" data-signoff>✓ signed off by ${cell.signoff.by}</span>`
          : ""
    }
  </td>`;
}

export function matrixPage(matrix: Matrix, options: { readonly readOnly: boolean }): Html {
  return html`<h2>Where everything stands</h2>
    <div id="matrix" hx-sse:connect="/events/matrix" hx-swap="innerHTML" aria-live="polite">
      ${matrixFragment(matrix, options)}
    </div>`;
}
