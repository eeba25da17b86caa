import { evidenceLine } from "../../checks/rollout/evidence.ts";
import type { ReleaseFailure, ReleaseRecord } from "../../release/record.ts";
import type { RevisionDiff, TimelineEntry } from "../../status/timeline.ts";
import { each, html, type Html } from "../html.ts";
import { canarySection } from "./canary.ts";
import { canaryActions } from "./canary-actions.ts";

type Check = ReleaseRecord["checks"][number];

const outcomeIcon = (outcome: string): string =>
  outcome === "passed" || outcome === "done"
    ? "✓"
    : outcome === "failed" || outcome === "error"
      ? "✗"
      : outcome === "warning" || outcome === "allowed"
        ? "⚠"
        : "•";

const checkList = (checks: readonly Check[]): Html =>
  checks.length
    ? html`<ul class="checks">
        ${each(
          checks,
          (c) => html`<li>${outcomeIcon(c.outcome)} <code>${c.check}</code> ${c.outcome}: ${c.message}</li>`,
        )}
      </ul>`
    : html`<span class="muted">none recorded</span>`;

/** Why a release failed: the step's message, then each pod's reason and its last log lines. */
const failureView = (failure: ReleaseFailure): Html =>
  html`<div class="failure" data-failed-step="${failure.step}">
    <p>✗ <code>${failure.step}</code> failed: ${failure.message}</p>
    ${
      failure.evidence.length
        ? html`<ul class="evidence">
            ${each(
              failure.evidence,
              (ev) =>
                html`<li>
                  ${evidenceLine(ev)}
                  ${
                    ev.logs?.length
                      ? html`<div class="muted">
                            last ${ev.logs.length} log
                            line(s)${ev.logsFrom === "previous" ? " of the previous container" : ""}:
                          </div>
                          <pre class="log">${ev.logs.join("\n")}</pre>`
                      : ""
                  }
                </li>`,
            )}
          </ul>`
        : ""
    }
  </div>`;

export interface TimelineView {
  readonly service: string;
  readonly env: string;
  readonly environments: readonly string[];
  readonly entries: readonly TimelineEntry[];
  /** The revision that runs now: no rollback to it is offered. */
  readonly deployedRevision?: number;
  readonly readOnly: boolean;
}

export function timelinePage(view: TimelineView): Html {
  const revisions = view.entries.map((e) => e.record.revision);
  return html`<h2>${view.service} in ${view.env}: every revision</h2>
    <nav aria-label="Environments">
      ${each(
        view.environments,
        (e) =>
          html`<a href="/services/${view.service}?env=${e}" ${e === view.env ? html`aria-current="page"` : ""}
            >${e}</a
          > `,
      )}
    </nav>
    ${
      revisions.length >= 2
        ? html`<form
            action="/services/${view.service}/diff"
            method="get"
            class="actions"
            aria-label="Compare two revisions"
          >
            <input type="hidden" name="env" value="${view.env}" />
            <label for="from">From revision</label>
            <select id="from" name="from">
              ${each(revisions, (r, i) => html`<option value="${r}" ${i === 1 ? "selected" : ""}>r${r}</option>`)}
            </select>
            <label for="to">To revision</label>
            <select id="to" name="to">
              ${each(revisions, (r, i) => html`<option value="${r}" ${i === 0 ? "selected" : ""}>r${r}</option>`)}
            </select>
            <button type="submit">Compare</button>
          </form>`
        : ""
    }
    ${view.entries.length ? "" : html`<p class="muted">No release of ${view.service} in ${view.env} yet.</p>`}
    <ol class="timeline">
      ${each(view.entries, (e) => entryView(view, e))}
    </ol>`;
}

function entryView(view: TimelineView, e: TimelineEntry): Html {
  const r = e.record;
  const rollbackable =
    !view.readOnly &&
    r.revision !== view.deployedRevision &&
    (r.status === "deployed" || r.status === "superseded");
  const signable = !view.readOnly && r.revision === view.deployedRevision && !e.signoff;
  return html`<li data-revision="${r.revision}">
    <div class="entry-head">
      <strong>r${r.revision} · ${r.version}</strong>
      <span
        class="state ${r.status === "failed" ? "failed" : r.status === "pending" ? "in-progress" : "deployed"}"
        >${r.status === "failed" ? "✗" : r.status === "pending" ? "⟳" : "✓"} ${r.status}</span
      >
      <span>by ${r.deployedBy}</span>
      <span class="muted">${r.startedAt}${r.finishedAt ? ` → ${r.finishedAt}` : ""}</span>
    </div>
    <p>${r.description}</p>
    ${
      r.canary
        ? canarySection(
            r.canary,
            // A person's decision only while the canary can still take one.
            r.canary.state === "running" || r.canary.state === "paused"
              ? canaryActions({
                  env: view.env,
                  service: view.service,
                  paused: r.canary.state === "paused",
                  readOnly: view.readOnly,
                })
              : undefined,
          )
        : ""
    }
    ${e.failure ? failureView(e.failure) : ""}
    ${
      r.rollback
        ? html`<p class="notice">
            ↩ rolled back by itself to revision ${r.rollback.toRevision}: ${r.rollback.outcome}
            (${r.rollback.message})
          </p>`
        : ""
    }
    <dl class="facts">
      <dt>Image digest</dt>
      <dd class="mono">${e.digest ?? "not pinned"}</dd>
      <dt>CI build</dt>
      <dd>
        ${
          e.ci
            ? html`${outcomeIcon(e.ci.check.outcome)}
              ${e.ci.url ? html`<a href="${e.ci.url}">${e.ci.check.message}</a>` : e.ci.check.message}${
                e.ci.tests ? html` · <span>${e.ci.tests}</span>` : ""
              }`
            : html`<span class="muted">not checked</span>`
        }
      </dd>
      <dt>Built from</dt>
      <dd data-built-from>
        ${
          "commit" in e.builtFrom
            ? html`<span class="mono">${e.builtFrom.commit}</span>`
            : html`<span class="warning">commit unknown: ${e.builtFrom.missing}</span>`
        }
      </dd>
      <dt>Definitions</dt>
      <dd data-definitions-commit>
        ${
          r.commit === "unknown"
            ? html`<span class="muted">not deployed from a git work tree: no commit</span>`
            : html`<span class="mono">${r.commit}</span>`
        }
      </dd>
      ${
        r.promotion
          ? html`<dt>Promotion</dt>
              <dd data-promotion>
                ${r.promotion.id} from ${r.promotion.from}: requested by ${r.promotion.requestedBy} at
                ${r.promotion.requestedAt}, approved by ${r.promotion.approvedBy.join(", ")}
              </dd>`
          : ""
      }
      <dt>Sign-off</dt>
      <dd>
        ${
          e.signoff
            ? html`✓ by ${e.signoff.by} at ${e.signoff.at}: “${e.signoff.note}”`
            : html`<span class="muted">none</span>`
        }
      </dd>
      <dt>Gate</dt>
      <dd>${checkList(e.gate)}</dd>
      <dt>Migration findings</dt>
      <dd>${checkList(e.migrations)}</dd>
      <dt>Dynamic proof</dt>
      <dd data-dynamic-proof>
        ${e.dynamicProof.length ? checkList(e.dynamicProof) : html`<p class="muted">no proof ran in this deploy</p>`}
        ${
          r.statements
            ? html`<p class="muted">
                this version's statements: ${r.statements.queries.length} recorded
                (${r.statements.sources.join(", ")}), for a later deploy's proof and rollback check
              </p>`
            : ""
        }
      </dd>
      <dt>Audit index</dt>
      <dd>${checkList(e.auditIndex)}</dd>
      ${
        e.other.length
          ? html`<dt>Other checks</dt>
              <dd>${checkList(e.other)}</dd>`
          : ""
      }
      ${
        r.breakGlass
          ? html`<dt>Break-glass</dt>
              <dd data-break-glass>
                ⚠ deployed in a freeze by ${r.breakGlass.by} at ${r.breakGlass.at}: ${r.breakGlass.reason}
                <span class="muted">(through ${r.breakGlass.windows.join("; ")})</span>
              </dd>`
          : ""
      }
      <dt>Overrides</dt>
      <dd>
        ${
          e.overrides.length
            ? html`<ul class="checks">
                ${each(e.overrides, (o) => html`<li>⚠ ${o}</li>`)}
              </ul>`
            : html`<span class="muted">none</span>`
        }
      </dd>
      <dt>Parameters</dt>
      <dd class="mono">
        ${
          Object.entries(r.parameters ?? {}).length
            ? Object.entries(r.parameters ?? {})
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(", ")
            : html`<span class="muted">none</span>`
        }
      </dd>
    </dl>
    ${
      rollbackable || signable
        ? html`<div class="actions">
            ${
              rollbackable
                ? html`<a
                    class="button"
                    href="/actions/rollback?env=${view.env}&service=${view.service}&to=${r.revision}"
                    >Roll back to r${r.revision}…</a
                  >`
                : ""
            }
            ${
              signable
                ? html`<a
                    class="button"
                    href="/actions/signoff?env=${view.env}&service=${view.service}&version=${r.version}"
                    >Sign off ${r.version} in ${view.env}…</a
                  >`
                : ""
            }
          </div>`
        : ""
    }
  </li>`;
}

const value = (v: unknown): string => (v === undefined ? "(absent)" : JSON.stringify(v));

export function diffPage(service: string, env: string, from: number, to: number, diff: RevisionDiff): Html {
  return html`<h2>${service} in ${env}: r${from} → r${to}</h2>
    <p><a href="/services/${service}?env=${env}">← back to the timeline</a></p>
    <h2>Objects</h2>
    ${
      diff.objects.length
        ? html`<ul class="checks">
            ${each(
              diff.objects,
              (o) =>
                html`<li>
                  <code>${o.key}</code> ${o.change}
                  ${
                    o.fields.length
                      ? html`<div class="diff mono">
                          ${each(
                            o.fields,
                            (f) =>
                              html`<div>
                                ${f.path}: <span class="del">${value(f.from)}</span> →
                                <span class="add">${value(f.to)}</span>
                              </div>`,
                          )}
                        </div>`
                      : ""
                  }
                </li>`,
            )}
          </ul>`
        : html`<p class="muted">No object changed.</p>`
    }
    <h2>Migrations</h2>
    ${
      diff.migrations.added.length || diff.migrations.removed.length
        ? html`<ul class="checks">
            ${each(diff.migrations.added, (m) => html`<li>+ ${m}</li>`)}
            ${each(diff.migrations.removed, (m) => html`<li>− ${m}</li>`)}
          </ul>`
        : html`<p class="muted">The same migrations.</p>`
    }
    <h2>Call schemas</h2>
    ${
      diff.calls.length
        ? html`<ul class="checks">
            ${each(diff.calls, (c) => html`<li><code>${c.call}</code> ${c.change}</li>`)}
          </ul>`
        : html`<p class="muted">The same calls.</p>`
    }
    <h2>Parameters</h2>
    ${
      diff.parameters.length
        ? html`<ul class="checks">
            ${each(diff.parameters, (p) => html`<li><code>${p.name}</code>: ${value(p.from)} → ${value(p.to)}</li>`)}
          </ul>`
        : html`<p class="muted">The same parameters (secret ones compared by hash).</p>`
    }`;
}
