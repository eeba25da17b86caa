import { document } from "../output/document.ts";
import type { FleetModel } from "../definitions/model.ts";
import type { FleetEvent, FleetEventSink, FleetReport } from "../fleet/events.ts";
import type { DeployFormat } from "./deploy-report.ts";
import { formatDuration } from "./duration.ts";
import { ExitCode } from "./exit-codes.ts";
import type { Output } from "./output.ts";
import { humanOnStderr, printDocument } from "./output-format.ts";

/** One fleet event as the terminal shows it. */
export function fleetLine(event: FleetEvent): string {
  switch (event.type) {
    case "fleet-resumed":
      return `fleet: going on with the deploy started at ${event.startedAt} (done before: ${event.done.join(", ") || "none"})`;
    case "fleet-wave-started":
      return `wave ${event.wave}: ${event.clusters.join(", ")}`;
    case "fleet-cluster-started":
      return `wave ${event.wave}: ${event.cluster}: deploying`;
    case "fleet-cluster-finished":
      return `wave ${event.wave}: ${event.result.cluster}: ${event.result.outcome}: ${event.result.message}`;
    case "fleet-bake-started":
      return `wave ${event.wave}: baking ${event.clusters.join(", ") || "nothing"} for ${formatDuration(event.remainingMs)} (until ${event.until}): readiness and restarts watched`;
    case "fleet-bake-finished": {
      const unhealthy = Object.entries(event.bake.unhealthy);
      const audit = Object.entries(event.bake.audit ?? {}).flatMap(([c, lines]) =>
        lines.map((l) => `\n  ${c}: audit index: ${l}`),
      );
      return (
        (unhealthy.length
          ? `wave ${event.wave}: bake over: ${unhealthy.map(([c, p]) => `${c} unhealthy (${p.join("; ")})`).join("; ")}`
          : `wave ${event.wave}: bake over: healthy`) + audit.join("")
      );
    }
    case "fleet-wave-finished":
      return event.stopsTheLine
        ? `wave ${event.wave}: ${event.failed} cluster(s) failed, beyond its failure budget of ${event.failureBudget}: the line stops`
        : `wave ${event.wave}: done${event.failed ? ` (${event.failed} failed, within its failure budget of ${event.failureBudget})` : ""}`;
    case "fleet-rollback":
      return `${event.rollback.cluster}: ${event.rollback.service}: ${event.rollback.ok ? "rolled back" : "NOT rolled back"}: ${event.rollback.message}`;
  }
}

/** A fleet deploy's exit code: 0 all well; 7 every wave ran with failures within budgets; 4 the line stopped on refusals only; 1 otherwise. */
export function fleetExitCode(report: FleetReport): number {
  if (report.ok) return ExitCode.ok;
  if (report.stoppedAt === undefined) return ExitCode.partial;
  const failed = report.waves
    .flatMap((w) => w.clusters)
    .filter((c) => !["deployed", "unchanged"].includes(c.outcome));
  return failed.length && failed.every((c) => c.outcome === "refused") ? ExitCode.refused : ExitCode.failure;
}

export interface FleetRenderer {
  readonly human: Output;
  readonly events: FleetEventSink;
  waves(fleet: FleetModel): void;
  nothingToDeploy(): void;
  report(report: FleetReport): void;
}

/** What a fleet deploy shows beside its clusters' own output, per --output. */
export function fleetRenderer(out: Output, format: DeployFormat): FleetRenderer {
  const human = format === "text" ? out : humanOnStderr(out);
  return {
    human,
    events: (event) => {
      if (format === "jsonl")
        out.line(JSON.stringify({ ...document("FleetEvent", { at: new Date().toISOString() }), ...event }));
      else human.note(fleetLine(event));
    },
    waves(fleet) {
      human.note(
        `waves: ${fleet.waves
          .map(
            (w, i) =>
              `${i + 1}. ${w.clusters.join(", ")}${w.maxParallel > 1 ? ` (${w.maxParallel} at once)` : ""}${w.bakeMs ? `, bake ${formatDuration(w.bakeMs)}` : ""}${w.failureBudget ? `, ${w.failureBudget} may fail` : ""}`,
          )
          .join(" → ")}`,
      );
    },
    nothingToDeploy() {
      if (format === "text") out.line("Nothing to deploy.");
    },
    report(report) {
      if (format === "text") {
        out.progress("");
        out.table(
          ["WAVE", "CLUSTER", "OUTCOME", "DETAIL"],
          report.waves.flatMap((w) => [
            ...w.clusters.map((c) => [String(w.wave), c.cluster, c.outcome, c.message]),
            ...w.notStarted.map((c) => [String(w.wave), c, "not started", "the line stopped"]),
          ]),
        );
        for (const wave of report.notStarted)
          out.note(`wave ${wave}: not started (the line stopped at wave ${report.stoppedAt ?? "?"})`);
        out.note(
          report.ok
            ? "fleet deploy finished"
            : report.stoppedAt !== undefined
              ? `fleet deploy STOPPED at wave ${report.stoppedAt}`
              : "fleet deploy finished with failures within the waves' budgets",
        );
      } else {
        const doc = document("FleetReport", report);
        if (format === "jsonl") out.line(JSON.stringify(doc));
        else printDocument(out, doc);
      }
      const code = fleetExitCode(report);
      if (code !== ExitCode.ok) out.exitCode(code);
    },
  };
}
