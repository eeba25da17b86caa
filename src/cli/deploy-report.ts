import { document } from "../output/document.ts";
import type { DeployReportBody, DeployReportDocument, SlipwayDocument } from "../output/documents.ts";
import { blockedBecause, colour, formatPlan, plain, planJson, windowRefusal } from "../output/plan.ts";
import type { Plan } from "../plan/plan.ts";
import type { ListedPlan } from "../procedure/plan-steps.ts";
import type { Deploy } from "../procedure/deploy.ts";
import type { GateCheck } from "../checks/gate/types.ts";
import type { DeployEvent, DeployEventSink } from "../procedure/events.ts";
import type { DeployReport, ServiceResult } from "../procedure/report.ts";
import type { StepName } from "../procedure/step.ts";
import { evidenceText } from "../checks/rollout/evidence.ts";
import { indentLines } from "../procedure/step.ts";
import { formatAnalysis } from "../canary/format.ts";
import { formatDuration } from "./duration.ts";
import { ExitCode } from "./exit-codes.ts";
import type { Output } from "./output.ts";
import { humanOnStderr, printDocument } from "./output-format.ts";

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
      return {
        kept: `${event.service}: ${event.message}${event.evidence?.length ? `\n${indentLines(evidenceText(event.evidence))}` : ""}`,
      };
    case "rollback":
      return { kept: `${event.service}: ${event.message}` };
    case "break-glass":
      return {
        kept: `break-glass: ${event.environment} is frozen (${event.windows.join("; ")}); deploying as ${event.by}: ${event.reason}`,
      };
    case "canary-weight":
      return { kept: `${event.service}: canary: ${event.message}` };
    case "canary-analysis":
      return { kept: `${event.service}: ${formatAnalysis(event.result).join("\n    ")}` };
    case "canary-paused":
      return { kept: `${event.service}: canary paused: ${event.message}` };
    case "canary-decision":
      return {
        kept: `${event.service}: canary ${event.action === "promote" ? "promoted" : "aborted"} by ${event.by}${event.reason ? `: ${event.reason}` : ""}`,
      };
    case "canary-aborted":
      return { kept: `${event.service}: canary aborted at step ${event.step + 1}: ${event.reason}` };
    case "canary-promoted":
      return { kept: `${event.service}: canary promoted: ${event.message}` };
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
export const jsonLine = (doc: SlipwayDocument): string => JSON.stringify(doc);

/** The JSON Lines renderer: one event per line on stdout, for log processors. */
export const jsonlEvents =
  (out: Output): DeployEventSink =>
  (event) =>
    out.line(jsonLine({ ...document("DeployEvent", { at: new Date().toISOString() }), ...event }));

/** The steps whose failure is a check's refusal: they run before anything is written. */
const checkSteps: ReadonlySet<StepName> = new Set(["gate", "check-migrations"]);

const refusedByCheck = (s: ServiceResult): boolean =>
  s.outcome === "failed" && s.failedStep !== undefined && checkSteps.has(s.failedStep);

/**
 * A deploy's exit code, from its report alone: rolled back (6) wins over everything, since the
 * environment changed and changed back; refused (4) only when nothing was deployed and every
 * service that did not deploy was refused by a check or held back by one that was.
 */
export function deployExitCode(report: DeployReport): number {
  if (report.ok) return ExitCode.ok;
  if (report.services.some((s) => s.outcome === "rolled-back")) return ExitCode.rolledBack;
  const notDeployed = report.services.filter((s) => s.outcome !== "unchanged" && s.outcome !== "dry-run");
  if (
    notDeployed.some(refusedByCheck) &&
    notDeployed.every((s) => refusedByCheck(s) || s.outcome === "skipped")
  )
    return ExitCode.refused;
  return ExitCode.failure;
}

/** Each failed check of a refused plan, one line each, for the report: which service, which check, why. */
function refusals(plan: Plan): string[] {
  const line = (c: GateCheck, service?: string): string =>
    `${service ? `${service}: ` : ""}${c.check}: ${c.summary}${c.problems.length ? ` (${c.problems.join("; ")})` : ""}`;
  const failed = (checks: readonly GateCheck[] = []): GateCheck[] =>
    checks.filter((c) => c.outcome === "failed");
  return [
    ...failed(plan.checks).map((c) => line(c)),
    ...plan.services
      .filter((s) => s.changed)
      .flatMap((s) => failed(s.gate?.checks).map((c) => line(c, s.service))),
    // The server's dry run: conflicts and refusals, as the plan says them.
    ...blockedBecause(plan).filter(
      (r) => r !== "a check of the procedure failed" && r !== windowRefusal(plan),
    ),
  ];
}

export type DeployFormat = "text" | "json" | "jsonl";

/**
 * What a deploy shows, per --output: text on the terminal; json, one DeployReport document on
 * stdout at the end; jsonl, the plan, every event and the report, one document per line.
 * The human account goes to stderr whenever stdout holds documents.
 */
export interface DeployRenderer {
  /** Where lines for a person go (the confirmation's answer): stderr when stdout holds documents. */
  readonly human: Output;
  plan(plan: ListedPlan): void;
  readonly events: DeployEventSink;
  /** A check refused the plan: nothing was deployed. */
  refused(plan: Plan): void;
  nothingToDeploy(): void;
  report(report: DeployReport, started: number): void;
  /**
   * The deploy, so that one that throws (the lock held, ...) still ends a document run with its
   * report; the error goes on to run(), which says it and picks the exit code (5 for the lock).
   */
  watched(deploy: Deploy): Pick<Deploy, "run">;
}

export function deployRenderer(out: Output, format: DeployFormat): DeployRenderer {
  const final = (body: DeployReportBody): DeployReportDocument => document("DeployReport", body);
  const emit = (doc: DeployReportDocument): void =>
    format === "jsonl" ? out.line(jsonLine(doc)) : printDocument(out, doc);
  return {
    human: format === "text" ? out : humanOnStderr(out),
    plan(plan) {
      if (format === "jsonl") out.line(jsonLine(document("Plan", planJson(plan))));
      else out.note(formatPlan(plan, out.colour ? colour : plain).trimEnd());
    },
    events: format === "jsonl" ? jsonlEvents(out) : deployEvents(out),
    refused(plan) {
      const reasons = blockedBecause(plan);
      out.error(
        `error: refused: ${reasons.length ? reasons.join("; ") : "a check of the procedure failed"} (see above); nothing was deployed`,
      );
      if (format !== "text") emit(final({ ok: false, services: [], refused: refusals(plan) }));
      out.exitCode(ExitCode.refused);
    },
    nothingToDeploy() {
      if (format === "text") out.line("Nothing to deploy.");
      else emit(final({ ok: true, services: [] }));
    },
    report(report, started) {
      if (format === "text") return printDeployReport(out, report, started);
      out.progress("");
      emit(final(report));
      out.exitCode(deployExitCode(report));
    },
    watched: (deploy) => ({
      run: (...args) =>
        deploy.run(...args).catch((error: unknown) => {
          if (format !== "text") {
            out.progress("");
            const stopped = error instanceof Error ? error.message : String(error);
            emit(final({ ok: false, services: [], stopped }));
          }
          throw error;
        }),
    }),
  };
}

/** The outcome per service, and the exit code of how the deploy ended (deployExitCode). */
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
  if (!report.ok) out.exitCode(deployExitCode(report));
}
