import type { PromotionRequest } from "../../promotion/request.ts";
import { each, html, type Html } from "../html.ts";

export interface PromotionsView {
  readonly environments: readonly {
    readonly name: string;
    readonly from: string;
    readonly approvers: readonly string[];
    readonly required: number;
    readonly promotions: readonly PromotionRequest[];
  }[];
  readonly readOnly: boolean;
}

const stateIcon = (state: PromotionRequest["state"]): string =>
  state === "pending" ? "⏸" : state === "deployed" ? "✓" : "✗";

/** The promotions requested to each environment that requires approval, pending ones first. */
export function promotionsPage(view: PromotionsView): Html {
  return html`<h2>Promotions</h2>
    ${
      view.environments.length
        ? ""
        : html`<p class="muted">
            No environment here requires approval (approval: { approvers } on an environment).
          </p>`
    }
    ${each(
      view.environments,
      (env) =>
        html`<section data-env="${env.name}">
          <h3>${env.name}, promoted from ${env.from}</h3>
          <p class="muted">
            ${env.required} approval(s) by ${env.approvers.join(", ")}; never the requester's. Request one
            here, or with
            <code>slipway promote --from ${env.from} --to ${env.name}</code>.
          </p>
          ${
            view.readOnly
              ? ""
              : html`<p>
                  <a class="button" href="/actions/promote?env=${env.name}"
                    >Request a promotion from ${env.from}…</a
                  >
                </p>`
          }
          ${
            env.promotions.length
              ? html`<ol class="timeline">
                  ${each(
                    [...env.promotions].sort(
                      (a, b) => Number(b.state === "pending") - Number(a.state === "pending"),
                    ),
                    (p) =>
                      html`<li data-promotion="${p.id}" data-state="${p.state}">
                        <div class="entry-head">
                          <strong>${p.id}</strong>
                          <span class="state">${stateIcon(p.state)} ${p.state}</span>
                          <span>requested by ${p.requestedBy}</span>
                          <span class="muted">${p.requestedAt}</span>
                        </div>
                        <p>
                          ${p.services.map((s) => `${s.service} ${s.version} (${s.digest.slice(0, 19)}…)`).join(", ")}
                        </p>
                        <p>
                          Approved by:
                          ${p.approvals.length ? p.approvals.map((a) => a.by).join(", ") : "nobody yet"}
                          ${p.outcome ? html` · ${p.outcome}` : ""}
                        </p>
                        <details>
                          <summary>The plan for ${p.to}, as requested</summary>
                          <pre>${p.plan}</pre>
                        </details>
                        ${
                          p.state === "pending" && !view.readOnly
                            ? html`<p>
                                <a class="button" href="/actions/approve?env=${env.name}&id=${p.id}"
                                  >Approve and deploy…</a
                                >
                              </p>`
                            : ""
                        }
                      </li>`,
                  )}
                </ol>`
              : html`<p class="muted">No promotion was requested to ${env.name}.</p>`
          }
        </section>`,
    )}`;
}
