import type { Matrix, MatrixCell, MatrixEnvironment, ReleaseState } from "../../status/matrix.ts";
import { cellOf } from "../../status/matrix.ts";
import { shortDigest } from "../../status/objects.ts";
import { each, html, type Html } from "../html.ts";
import { canaryBadge } from "./canary.ts";
import { fleetDeploys } from "./fleet-deploy.ts";

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
                        : e.cluster
                          ? html`<span class="mono muted"
                              >slipway unlock --env ${e.environment} --cluster ${e.cluster} --force</span
                            >`
                          : html`<a href="/actions/unlock?env=${e.name}">Unlock ${e.name}…</a>`
                    }`
                : e.unreadable
                  ? html`<span class="state failed" data-unreadable>⚠ cannot read: lock unknown</span>`
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
            ${e.synced || e.unreadable ? "" : html`<span class="muted"> · reading…</span>`}
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
    ${fleetDeploys(matrix.fleets)}
    <div class="scroll">
      <table id="matrix-table">
        <caption class="muted" style="text-align:left;padding:.4rem .6rem">
          Services down, environments across${matrix.fleets.length ? " (a fleet: a column per cluster)" : ""}:
          the version each runs, its release status, drift and promotion
        </caption>
        ${matrix.fleets.length ? fleetHead(matrix) : plainHead(matrix)}
        <tbody>
          ${each(
            matrix.services,
            (service) =>
              html`<tr data-service="${service}">
                <th scope="row"><a href="/services/${service}">${service}</a></th>
                ${each(matrix.environments, (e) => cellView(cellOf(matrix, service, e.name), service, e))}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

const columnHead = (e: MatrixEnvironment, rows = 1): Html =>
  html`<th scope="col" data-env="${e.name}" rowspan="${String(rows)}">
    ${e.name}${e.frozen ? html` <span data-frozen>❄ frozen</span>` : ""}${
      e.errors.length ? html` <span class="flag missing" data-unreadable>⚠ cannot read</span>` : ""
    }
  </th>`;

function plainHead(matrix: Matrix): Html {
  return html`<thead>
    <tr>
      <th scope="col">Service</th>
      ${each(matrix.environments, (e) => columnHead(e))}
    </tr>
  </thead>`;
}

/** Two rows: a fleet's name over its clusters' columns; other environments span both. */
function fleetHead(matrix: Matrix): Html {
  const groups: MatrixEnvironment[][] = [];
  for (const e of matrix.environments) {
    const last = groups.at(-1);
    if (e.cluster && last?.[0]?.cluster && last[0].environment === e.environment) last.push(e);
    else groups.push([e]);
  }
  return html`<thead>
    <tr>
      <th scope="col" rowspan="2">Service</th>
      ${each(groups, (g) => {
        const first = g[0] as MatrixEnvironment;
        return first.cluster
          ? html`<th scope="colgroup" colspan="${String(g.length)}" data-fleet="${first.environment}">
              ${first.environment}
              <span class="muted">(fleet: ${String(g.length)} clusters, in wave order)</span>
            </th>`
          : columnHead(first, 2);
      })}
    </tr>
    <tr>
      ${each(
        matrix.environments.filter((e) => e.cluster),
        (e) => columnHead(e),
      )}
    </tr>
  </thead>`;
}

function cellView(cell: MatrixCell | undefined, service: string, column: MatrixEnvironment): Html {
  const env = column.name;
  if (column.unreadable)
    return html`<td class="cell" data-env="${env}" data-state="unreadable">
      <span class="state failed">⚠ cannot read ${column.cluster ?? env}</span>
    </td>`;
  if (!cell) return html`<td class="cell muted" data-env="${env}">not defined here</td>`;
  const label = stateLabel[cell.state];
  const digest = shortDigest(cell.digest);
  // Commands and pages take the environment, and a fleet's cluster with --cluster.
  const target = column.cluster ? `${column.environment} --cluster ${column.cluster}` : env;
  const differs = cell.fleetVersions ? Object.entries(cell.fleetVersions) : [];
  return html`<td
    class="cell${differs.length ? " differs" : ""}"
    data-env="${env}"
    data-state="${cell.state}"
    ${differs.length ? "data-differs" : ""}
  >
    <a href="/services/${service}?env=${column.environment}" aria-label="${service} in ${env}: timeline">
      <span class="version" data-version>${cell.liveVersion ?? "—"}</span></a
    >
    ${digest ? html`<span class="mono muted" title="${cell.digest}">@${digest}</span>` : ""}
    ${
      differs.length
        ? html`<span class="flag drift" data-fleet-versions
            >≠ the fleet's clusters differ:
            ${differs.map(([cluster, version]) => `${cluster} ${version || "none"}`).join(" · ")}</span
          >`
        : ""
    }
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
              >slipway drift --env ${target} ${service} shows the fields; slipway deploy --env ${target}
              ${service} --reclaim restores them as defined, also what other field managers added</span
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
