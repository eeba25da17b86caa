import type { DeployEvents, DeployReport } from "../execute/deploy.ts";
import { formatDuration } from "./duration.ts";
import type { Output } from "./output.ts";

/** A deploy's notes and live progress, as the terminal shows them. */
export const deployEvents = (out: Output): DeployEvents => ({
  note: (service, message) => out.note(`${service}: ${message}`),
  progress: (p) =>
    out.progress(`${p.service}: ${p.ready}/${p.desired} ready, ${formatDuration(p.elapsedMs)}: ${p.message}`),
  lockWait: (held) => out.note(`waiting for the lock: ${held.message}`),
});

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
