import type {
  DeployProgress,
  ServiceProgress,
  ServiceState,
  StepProgress,
  StepState,
} from "../../status/deploy-progress.ts";
import { evidenceLine } from "../../checks/rollout/evidence.ts";
import { each, html, type Html } from "../html.ts";

/** Each state as word and icon: colour and border only repeat them. */
const stepLabel: Readonly<Record<StepState, string>> = {
  done: "✓ done",
  running: "⟳ running",
  failed: "✗ failed",
  skipped: "⊘ skipped",
  pending: "○ pending",
  interrupted: "‖ interrupted",
};
const serviceLabel: Readonly<Record<ServiceState, string>> = {
  pending: "○ waiting",
  running: "⟳ deploying",
  deployed: "✓ deployed",
  unchanged: "= unchanged",
  failed: "✗ failed",
  "rolled-back": "↩ rolled back",
  skipped: "⊘ skipped",
  interrupted: "‖ interrupted — resumable",
};
const stepClass = (s: StepState): string => (s === "interrupted" ? "failed" : s);

/** The live part of the deploys page: one section per environment, what SSE replaces. */
export function deploysFragment(progress: readonly DeployProgress[]): Html {
  return html`${each(progress, environmentView)}`;
}

function environmentView(p: DeployProgress): Html {
  const d = p.deploy;
  return html`<section data-env="${p.environment}" aria-labelledby="deploy-${p.environment}">
    <h2 id="deploy-${p.environment}">${p.environment} <span class="muted">(${p.namespace})</span></h2>
    <p>
      ${
        p.lock
          ? html`locked by ${p.lock.holder} since ${p.lock.since}${p.lock.expired ? " (expired)" : ""}`
          : "unlocked: no deploy holds the lock"
      }
    </p>
    ${
      d
        ? html`<p
              data-deploy-state="${d.state}"
              class="${d.state === "interrupted" || d.state === "failed" ? "error" : "notice"}"
            >
              <strong
                >${
                  d.state === "running"
                    ? "⟳ running"
                    : d.state === "done"
                      ? "✓ done"
                      : d.state === "failed"
                        ? "✗ failed"
                        : "‖ interrupted — resumable"
                }</strong
              >
              · deploy of ${d.services.join(", ")} by ${d.by} · ${d.message}
              ${d.resumeWith ? html`<br />resume with <code>${d.resumeWith}</code>` : ""}
            </p>
            ${each(p.services, serviceView)}`
        : html`<p class="muted">No deploy has run here yet.</p>`
    }
  </section>`;
}

function serviceView(s: ServiceProgress): Html {
  return html`<div class="service-progress" data-service="${s.service}" data-state="${s.state}">
    <h3>
      <a href="/services/${s.service}">${s.service}</a> ${s.version}${
        s.revision !== undefined ? html` <span class="muted">r${s.revision}</span>` : ""
      }
      <span class="state ${s.state}">${serviceLabel[s.state]}</span>
    </h3>
    ${s.waitsOn ? html`<p class="muted">waits on: ${s.waitsOn}</p>` : ""}
    ${s.blockedBy.length ? html`<p>⊘ blocked by ${s.blockedBy.join(", ")}, which did not deploy</p>` : ""}
    ${s.message && s.state !== "deployed" && s.state !== "unchanged" ? html`<p>${s.message}</p>` : ""}
    <ol class="graph" aria-label="${s.service}: steps in order">
      ${each(s.steps, (step) => stepView(step, s))}
    </ol>
    ${
      s.rollback
        ? html`<p class="notice">
            ↩ rollback to revision ${s.rollback.toRevision}:
            ${s.rollback.state}${s.rollback.message ? ` (${s.rollback.message})` : ""}
          </p>`
        : ""
    }
    ${each(
      s.jobLogs,
      (j) =>
        html`<details open>
          <summary>Job ${j.job}: its logs</summary>
          <pre class="log">${j.lines.join("\n")}</pre>
        </details>`,
    )}
  </div>`;
}

function stepView(step: StepProgress, s: ServiceProgress): Html {
  return html`<li
    class="step ${stepClass(step.state)}"
    data-step="${step.step}"
    data-step-state="${step.state}"
  >
    <span class="name">${step.step}</span>
    <span>${stepLabel[step.state]}</span>
    ${step.waitsOn ? html`<span class="flag">waits on: ${step.waitsOn}</span>` : ""}
    ${each(step.lines, (l) => html`<span class="flag muted">${l}</span>`)}
    ${
      step.state === "skipped" && s.blockedBy.length
        ? html`<span class="flag">blocked by ${s.blockedBy.join(", ")}</span>`
        : ""
    }
    ${step.message && step.state !== "done" ? html`<span class="flag">${step.message}</span>` : ""}
    ${each(
      step.evidence ?? [],
      (ev) =>
        html`<span class="flag evidence">${evidenceLine(ev)}</span>${
            ev.logs?.length ? html`<pre class="log">${ev.logs.join("\n")}</pre>` : ""
          }`,
    )}
  </li>`;
}

export function deploysPage(progress: readonly DeployProgress[]): Html {
  return html`<h1 class="visually-hidden">Live deploys</h1>
    <div id="deploys" hx-sse:connect="/events/deploys" hx-swap="innerHTML">
      ${deploysFragment(progress)}
    </div>`;
}
