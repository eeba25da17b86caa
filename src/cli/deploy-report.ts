import { document } from "../output/document.ts";
import type { DeployEvent, DeployEventSink } from "../procedure/events.ts";
import type { DeployReport } from "../procedure/report.ts";
import { formatDuration } from "./duration.ts";
import type { Output } from "./output.ts";

/** One event as the terminal shows it: a kept line, a live status line, or nothing. */
function terminalLine(event: DeployEvent): { kept: string } | { live: string } | undefined {
  switch (event.type) {
    case "lock-wait":
      return { kept: `waiting for the lock: ${event.message}` };
    case "lock-taken-over":
      return {
        kept: `lock: took over the lock from ${event.from}: its lease expired or its process is gone`,
      };
    case "service-started":
      return event.resumedAfter
        ? {
            kept: `${event.service}: resuming revision ${event.revision}, interrupted after: ${event.resumedAfter.join(", ") || "nothing"}`,
          }
        : undefined;
    case "step-started":
      return { live: `${event.service}: ${event.step}: ${event.description}` };
    case "step-progress": {
      if (!event.live) return { kept: `${event.service}: ${event.message}` };
      const pods = event.pods ? `${event.pods.ready}/${event.pods.desired} ready, ` : "";
      return { live: `${event.service}: ${pods}${formatDuration(event.elapsedMs)}: ${event.message}` };
    }
    case "step-finished":
      return { kept: `${event.service}: ${event.message}` };
    case "rollback":
      return { kept: `${event.service}: ${event.message}` };
    case "orphans-pruned":
      return { kept: `prune: deleted ${event.objects.length} object(s) of services no longer defined` };
    case "service-finished":
      return undefined;
  }
}

/** The terminal's renderer of a deploy's events: notes on stderr, live status on a terminal. */
export const deployEvents =
  (out: Output): DeployEventSink =>
  (event) => {
    const line = terminalLine(event);
    if (!line) return;
    if ("kept" in line) out.note(line.kept);
    else out.progress(line.live);
  };

/** One line of `deploy -o jsonl`: a document of Slipway's schema, its kind first. */
export const jsonLine = (kind: "Plan" | "DeployEvent" | "DeployReport", body: object): string =>
  JSON.stringify(document(kind, body));

/** The JSON Lines renderer: one event per line on stdout, for log processors. */
export const jsonlEvents =
  (out: Output): DeployEventSink =>
  (event) =>
    out.line(jsonLine("DeployEvent", { at: new Date().toISOString(), ...event }));

/** The outcome per service, and exit code 1 when any did not deploy. */
export function printDeployReport(out: Output, report: DeployReport, started: number): void {
  out.progress("");
  out.table(
    ["SERVICE", "OUTCOME", "REVISION", "DETAIL"],
    report.services.map((s) => [
      s.service,
      s.outcome,
      s.revision === undefined ? "-" : String(s.revision),
      s.message,
    ]),
  );
  out.note(`${report.ok ? "deploy finished" : "deploy FAILED"} in ${formatDuration(Date.now() - started)}`);
  if (!report.ok) out.exitCode(1);
}
