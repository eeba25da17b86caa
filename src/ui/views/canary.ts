import type { AnalysisResult, CallVerdict, Check, Verdict } from "../../canary/analysis.ts";
import type { CanaryRecord, CanaryState, CanarySummary } from "../../canary/record.ts";
import { canaryStepText } from "../../canary/format.ts";
import type { CanaryStep } from "../../definitions/rollout-strategy.ts";
import { each, html, type Html } from "../html.ts";

/**
 * A canary on the dashboard: in the matrix cell its summary (weight, step, state), on the release
 * page its record (pods, steps, every analysis with its numbers, the decisions). A renderer only:
 * every value is the record's; numbers are only formatted.
 */

const stateIcon: Readonly<Record<CanaryState, string>> = {
  running: "⟳",
  paused: "‖",
  promoted: "✓",
  aborted: "✗",
};

/** The state in words: "running", "paused: manual", "paused: inconclusive", "promoted", "aborted". */
export const canaryStateText = (state: CanaryState, paused?: "manual" | "inconclusive"): string =>
  state === "paused" && paused ? `paused: ${paused}` : state;

/** The class that colours a state (the word and the icon say it too). */
const stateClass: Readonly<Record<CanaryState, string>> = {
  running: "running",
  paused: "interrupted",
  promoted: "deployed",
  aborted: "failed",
};

/** Steps are counted from 1 for people; `at` is past the last one once all are done. */
const stepOf = (at: number, steps: number): string => `step ${Math.min(at + 1, steps)} of ${steps}`;

/** The matrix cell's line: weight and pods, step of N, state. */
export function canaryBadge(summary: CanarySummary): Html {
  const text = canaryStateText(summary.state, summary.paused);
  return html`<span class="flag canary" data-canary data-canary-state="${summary.state}"
    >canary
    ${summary.weight}%${
      summary.split ? ` · ${summary.split.canary} canary / ${summary.split.stable} stable pods` : ""
    }
    · ${stepOf(summary.step, summary.steps)} ·
    <span class="state ${stateClass[summary.state]}">${stateIcon[summary.state]} ${text}</span></span
  >`;
}

const mark: Readonly<Record<Verdict, string>> = { pass: "✓", fail: "✗", inconclusive: "?" };
const verdictClass: Readonly<Record<Verdict, string>> = {
  pass: "deployed",
  fail: "failed",
  inconclusive: "interrupted",
};
const verdictView = (v: Verdict): Html => html`<span class="state ${verdictClass[v]}">${mark[v]} ${v}</span>`;

const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? "–" : `${+(rate * 100).toFixed(2)}%`;
const ms = (value: number | null): string => (value === null ? "–" : `${+value.toFixed(1)} ms`);
const clock = (at: Date | string): string => `${new Date(at).toISOString().slice(11, 19)}Z`;

/** The check of one metric, when the analysis made it (below the minimum of calls it makes none). */
const checkOf = (call: CallVerdict, metric: Check["metric"]): Check | undefined =>
  call.checks.find((c) => c.metric === metric);

/** Stable → canary of a check, with its verdict's mark; "–" when not judged. */
function pair(check: Check | undefined, show: (v: number | null) => string): Html {
  if (!check) return html`<span class="muted">–</span>`;
  return html`<span title="${check.reason}"
    >${mark[check.verdict]} ${show(check.stable)} → ${show(check.canary)}</span
  >`;
}

function callRow(call: CallVerdict): Html {
  if (call.idle)
    return html`<tr data-call="${call.call}">
      <th scope="row"><code>${call.call}</code></th>
      <td colspan="6" class="muted">no calls in the window (not judged)</td>
    </tr>`;
  const requests = checkOf(call, "requests");
  return html`<tr data-call="${call.call}">
    <th scope="row"><code>${call.call}</code></th>
    <td>${verdictView(call.verdict)}</td>
    <td data-requests>
      ${requests ? mark[requests.verdict] : ""} ${call.stable.requests} → ${call.canary.requests}
    </td>
    <td data-5xx>
      ${pair(checkOf(call, "5xx rate"), percent)}
      <span class="muted">(${call.stable.serverErrors} → ${call.canary.serverErrors})</span>
    </td>
    <td data-4xx>${pair(checkOf(call, "4xx rate"), percent)}</td>
    <td data-p95>${pair(checkOf(call, "p95"), ms)}</td>
    <td class="muted" data-latency>
      p50 ${ms(call.stable.latencyMs.p50)} → ${ms(call.canary.latencyMs.p50)}, p99
      ${ms(call.stable.latencyMs.p99)} → ${ms(call.canary.latencyMs.p99)}
    </td>
  </tr>`;
}

/** The reasons of every check that did not pass: what a person reads to decide. */
const reasons = (result: AnalysisResult): { where: string; check: Check }[] => [
  ...result.calls.flatMap((c) => c.checks.map((check) => ({ where: c.call, check }))),
  ...(result.pods?.checks ?? []).map((check) => ({ where: "pods", check })),
];

function analysisView(step: number, steps: readonly CanaryStep[], result: AnalysisResult): Html {
  const notPassed = reasons(result).filter((r) => r.check.verdict !== "pass");
  const label = steps[step] ? canaryStepText(steps[step]) : "analysis";
  return html`<div class="analysis" data-analysis="${step}" data-verdict="${result.verdict}">
    <h4>
      ${verdictView(result.verdict)} step ${step + 1}, ${label}: canary ${result.canaryVersion} against
      ${result.stableVersion}, ${clock(result.window.from)}–${clock(result.window.to)}
    </h4>
    <p data-summary>${result.summary}</p>
    <div class="scroll">
      <table>
        <caption class="visually-hidden">
          Each audited call, stable → canary
        </caption>
        <thead>
          <tr>
            <th scope="col">Call</th>
            <th scope="col">Verdict</th>
            <th scope="col">Requests</th>
            <th scope="col">5xx rate</th>
            <th scope="col">4xx rate</th>
            <th scope="col">p95</th>
            <th scope="col">p50, p99</th>
          </tr>
        </thead>
        <tbody>
          ${each(result.calls, callRow)}
          ${
            result.pods
              ? html`<tr data-pods>
                  <th scope="row">pods</th>
                  <td>${verdictView(result.pods.verdict)}</td>
                  <td colspan="5">
                    ${each(
                      result.pods.checks,
                      (c) =>
                        html`<span class="pod-check" title="${c.reason}"
                            >${mark[c.verdict]} ${c.metric} ${c.stable ?? "–"} → ${c.canary ?? "–"}</span
                          >${" · "}`,
                    )}
                    <span class="muted"
                      >${result.pods.stable.pods} stable pod(s), ${result.pods.canary.pods} canary
                      pod(s)</span
                    >
                  </td>
                </tr>`
              : ""
          }
        </tbody>
      </table>
    </div>
    ${
      notPassed.length
        ? html`<ul class="checks" data-reasons>
            ${each(
              notPassed,
              (r) => html`<li>${mark[r.check.verdict]} ${r.where} ${r.check.metric}: ${r.check.reason}</li>`,
            )}
          </ul>`
        : ""
    }
    ${
      result.pods && (result.pods.canary.notes.length || result.pods.stable.notes.length)
        ? html`<ul class="checks muted">
            ${each(result.pods.canary.notes, (n) => html`<li>canary ${n}</li>`)}
            ${each(result.pods.stable.notes, (n) => html`<li>stable ${n}</li>`)}
          </ul>`
        : ""
    }
  </div>`;
}

/**
 * A release's canary on its page. `actions`: the promote and abort buttons, given by the page
 * while the canary can still take a decision (running or paused) and the viewer may act.
 */
export function canarySection(canary: CanaryRecord, actions?: Html | ""): Html {
  const text = canaryStateText(canary.state, canary.paused?.reason);
  return html`<section class="canary" data-canary data-canary-state="${canary.state}" aria-label="Canary">
    <h3>Canary</h3>
    <p>
      <span class="state ${stateClass[canary.state]}" data-canary-state-text
        >${stateIcon[canary.state]} ${text}</span
      >
      · <span data-canary-weight>weight ${canary.weight}%</span> ·
      <span data-canary-split
        >${canary.split.canary} canary pod(s), ${canary.split.stable} stable pod(s) of
        ${canary.replicas}</span
      >
      · <span data-canary-step>${stepOf(canary.at, canary.steps.length)}</span> · compared with
      ${canary.stableVersion}
    </p>
    ${
      canary.state === "paused" && canary.paused
        ? html`<p class="notice" data-canary-paused>
            ‖ paused at step ${canary.paused.step + 1} (${canary.paused.reason}) since ${canary.paused.since}:
            ${canary.paused.message}
          </p>`
        : ""
    }
    <ol class="graph" aria-label="Canary steps">
      ${each(
        canary.steps,
        (s, i) =>
          html`<li
            class="step ${i < canary.at ? "done" : i === canary.at ? (canary.state === "aborted" ? "failed" : "running") : "pending"}"
            ${i === canary.at ? html`aria-current="step"` : ""}
          >
            <span class="name">${i + 1}. ${canaryStepText(s)}</span>
          </li>`,
      )}
    </ol>
    ${actions ?? ""}
    ${
      canary.analyses.length
        ? each(canary.analyses, (a) => analysisView(a.step, canary.steps, a.result))
        : html`<p class="muted">No analysis yet.</p>`
    }
    ${
      canary.decisions.length
        ? html`<ul class="checks" data-decisions>
            ${each(
              canary.decisions,
              (d) =>
                html`<li>
                  ${d.action === "promote" ? "✓ promoted" : "✗ aborted"} at step ${d.step + 1} by ${d.by} at
                  ${d.at}${d.reason ? `: ${d.reason}` : ""}
                </li>`,
            )}
          </ul>`
        : ""
    }
  </section>`;
}
