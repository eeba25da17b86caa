import type { FleetClusterOutcome } from "../../fleet/events.ts";
import type { FleetJournalRecord, FleetJournalWave } from "../../fleet/journal.ts";
import type { MatrixFleet } from "../../status/matrix.ts";
import { each, html, type Html } from "../html.ts";

/** Each outcome as word, icon and the state class that colours it (colour only repeats them). */
const outcomeLabel: Readonly<Record<FleetClusterOutcome, { icon: string; text: string; tone: string }>> = {
  deployed: { icon: "✓", text: "deployed", tone: "deployed" },
  unchanged: { icon: "=", text: "unchanged", tone: "unchanged" },
  failed: { icon: "✗", text: "failed", tone: "failed" },
  refused: { icon: "✗", text: "refused", tone: "failed" },
  "rolled-back": { icon: "↩", text: "rolled back", tone: "rolled-back" },
  unhealthy: { icon: "⚠", text: "unhealthy", tone: "failed" },
};

const waveLabel: Readonly<Record<FleetJournalWave["state"], { icon: string; text: string; tone: string }>> = {
  pending: { icon: "–", text: "not started", tone: "pending" },
  deploying: { icon: "⟳", text: "deploying", tone: "in-progress" },
  baking: { icon: "⟳", text: "baking", tone: "in-progress" },
  done: { icon: "✓", text: "done", tone: "deployed" },
  stopped: { icon: "✗", text: "stopped: beyond its failure budget", tone: "failed" },
};

const statusLabel: Readonly<
  Record<FleetJournalRecord["status"], { icon: string; text: string; tone: string }>
> = {
  running: {
    icon: "⟳",
    text: "running (or interrupted: the same deploy run again resumes it)",
    tone: "in-progress",
  },
  done: { icon: "✓", text: "done", tone: "deployed" },
  stopped: { icon: "✗", text: "the line stopped", tone: "failed" },
};

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/** Each fleet's last deploy, as its journal in the home cluster keeps it: waves in order. */
export function fleetDeploys(fleets: readonly MatrixFleet[]): Html {
  return each(
    fleets,
    (f) =>
      html`<section
        class="fleet-deploy"
        data-fleet="${f.environment}"
        aria-label="${f.environment}: the last fleet deploy"
      >
        ${f.lastDeploy ? lastDeploy(f.environment, f.lastDeploy) : html`<h3>${f.environment}: no fleet deploy yet</h3>`}
      </section>`,
  );
}

function lastDeploy(environment: string, d: FleetJournalRecord): Html {
  const status = statusLabel[d.status];
  const stoppedAt = d.waves.findIndex((w) => w.state === "stopped");
  return html`<h3>
      ${environment}: the last fleet deploy
      <span class="state ${status.tone}" data-fleet-status>${status.icon} ${status.text}</span>
    </h3>
    <p class="muted">by ${d.by}, started ${d.startedAt}${d.finishedAt ? `, finished ${d.finishedAt}` : ""}</p>
    <ol class="waves">
      ${each(d.waves, (w, i) => waveView(w, i + 1))}
    </ol>
    ${
      stoppedAt >= 0
        ? html`<p class="error" data-line-stopped>
            The line stopped at wave ${stoppedAt + 1}: its failures went beyond its budget, and no later wave
            started.
          </p>`
        : ""
    }`;
}

function waveView(w: FleetJournalWave, n: number): Html {
  const state = waveLabel[w.state];
  return html`<li class="wave" data-wave="${String(n)}" data-wave-state="${w.state}">
    <strong>Wave ${String(n)}</strong>
    <span class="state ${state.tone}">${state.icon} ${state.text}</span>
    <ul class="wave-clusters">
      ${each(w.clusters, (name) => {
        const result = w.finished[name];
        if (!result)
          return html`<li data-cluster="${name}" data-outcome="none">
            <span class="state pending"
              >– ${name}:
              ${w.state === "pending" || w.state === "stopped" ? "not started" : "not finished"}</span
            >
          </li>`;
        const o = outcomeLabel[result.outcome];
        return html`<li data-cluster="${name}" data-outcome="${result.outcome}">
          <span class="state ${o.tone}">${o.icon} ${name}: ${o.text}</span
          >${result.resumed ? " (by an earlier run)" : ""}
          <span class="muted">${result.message}</span>
        </li>`;
      })}
    </ul>
    ${bakeView(w)}
  </li>`;
}

function bakeView(w: FleetJournalWave): Html | string {
  if (w.bake) {
    const unhealthy = Object.entries(w.bake.unhealthy);
    if (unhealthy.length)
      return html`<p class="flag missing" data-bake="unhealthy">
        ✗ unhealthy during its bake of ${seconds(w.bake.ms)}:
        ${unhealthy.map(([cluster, problems]) => `${cluster}: ${problems.join("; ")}`).join(" · ")}
      </p>`;
    return w.bake.ms > 0
      ? html`<p class="flag ok" data-bake="healthy">✓ healthy through its bake of ${seconds(w.bake.ms)}</p>`
      : "";
  }
  if (w.bakeEndsAt)
    return html`<p class="flag" data-bake="baking">⟳ baking until ${w.bakeEndsAt}: watched for health</p>`;
  return "";
}
