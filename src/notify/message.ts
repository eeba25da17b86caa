import { evidenceText } from "../checks/rollout/evidence.ts";
import type { DeployEvent } from "../procedure/events.ts";
import type { ServiceOutcome, ServiceResult } from "../procedure/report.ts";

export type MessageAction = "deploy" | "rollback" | "promotion";

/** running until the deploy ends; then how it ended as a whole. */
export type MessageOutcome = "running" | "succeeded" | "failed" | "rolled-back";

export interface MessageService {
  readonly service: string;
  /** The version running before; absent for a first deploy. */
  readonly from?: string;
  readonly to: string;
  readonly revision?: number;
  /** The step it is at, or at which it stopped. */
  readonly step?: string;
  readonly outcome?: ServiceOutcome;
  readonly message?: string;
}

export interface MessageFailure {
  readonly service: string;
  readonly version: string;
  readonly step: string;
  readonly message: string;
}

/**
 * One deploy (or rollback, or promotion) as its message tells it: what, who, where it is,
 * what the checks found, how it ended. Built only from the deploy's typed events, the same
 * stream the terminal and JSON Lines draw; every destination renders this value.
 */
export interface ReleaseMessage {
  /** The same for every update of one deploy's message. */
  readonly id: string;
  /** 1 for the first, one more for each update: a receiver keeps the highest it has seen. */
  readonly sequence: number;
  readonly action: MessageAction;
  readonly project: string;
  readonly environment: string;
  readonly by: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly services: readonly MessageService[];
  /** What is happening now ("files: rollout: waiting for 2 pods"), until it ends. */
  readonly current?: string;
  /** Lines the checks said (findings, an index rolled over, a failure's evidence), newest last. */
  readonly findings: readonly string[];
  readonly failures: readonly MessageFailure[];
  readonly outcome: MessageOutcome;
  /** The deploy broke glass through a freeze: who, through which windows, why (announced here). */
  readonly breakGlass?: string;
  /** Set on a failure's message: the same failure seen before within the repeat window. */
  readonly incident?: { readonly key: string; readonly count: number; readonly firstSeen: string };
}

/** Findings kept, the newest: a message stays small. */
export const maxFindings = 20;
const maxLine = 300;

const clip = (text: string): string => (text.length > maxLine ? `${text.slice(0, maxLine - 1)}…` : text);

export interface MessageStart {
  readonly id: string;
  readonly action: MessageAction;
  readonly project: string;
  readonly environment: string;
  readonly by: string;
  readonly services: readonly { readonly service: string; readonly from?: string; readonly to: string }[];
  readonly current?: string;
}

export function startMessage(start: MessageStart, now = new Date()): ReleaseMessage {
  const at = now.toISOString();
  return {
    id: start.id,
    sequence: 1,
    action: start.action,
    project: start.project,
    environment: start.environment,
    by: start.by,
    startedAt: at,
    updatedAt: at,
    services: start.services.map((s) => ({ ...s })),
    ...(start.current ? { current: start.current } : {}),
    findings: [],
    failures: [],
    outcome: "running",
  };
}

const withService = (
  message: ReleaseMessage,
  service: string,
  change: (s: MessageService) => MessageService,
): readonly MessageService[] => message.services.map((s) => (s.service === service ? change(s) : s));

const withFinding = (findings: readonly string[], line: string): readonly string[] =>
  [...findings, clip(line)].slice(-maxFindings);

const versionOf = (message: ReleaseMessage, service: string): string =>
  message.services.find((s) => s.service === service)?.to ?? "";

/**
 * The message after one event, or the same object when the event changes nothing a reader
 * sees (a live progress line: a message is not updated for each of them).
 */
export function applyEvent(message: ReleaseMessage, event: DeployEvent, now = new Date()): ReleaseMessage {
  const touched = (changes: Partial<ReleaseMessage>): ReleaseMessage => ({
    ...message,
    ...changes,
    updatedAt: now.toISOString(),
  });
  switch (event.type) {
    case "lock-wait":
      return touched({ current: `waiting for the lock: ${event.message}` });
    case "lock-taken-over":
      return touched({ findings: withFinding(message.findings, `took over the lock from ${event.from}`) });
    case "service-started":
      return touched({
        services: withService(message, event.service, (s) => ({ ...s, revision: event.revision })),
      });
    case "step-started":
      return touched({
        current: `${event.service}: ${event.step}: ${event.description}`,
        services: withService(message, event.service, (s) => ({ ...s, step: event.step })),
      });
    case "step-progress":
      return event.live
        ? message
        : touched({ findings: withFinding(message.findings, `${event.service}: ${event.message}`) });
    case "step-finished": {
      if (event.outcome === "done") return message;
      const failure: MessageFailure = {
        service: event.service,
        version: versionOf(message, event.service),
        step: event.step,
        message: clip(event.message),
      };
      const evidence = event.evidence?.length
        ? evidenceText(event.evidence)
            .split("\n")
            .filter((l) => l.trim())
            .slice(0, 6)
        : [];
      return touched({
        failures: [...message.failures, failure],
        findings: [`${event.service}: ${event.message}`, ...evidence].reduce(withFinding, message.findings),
      });
    }
    case "rollback":
      if (event.phase === "progress")
        return touched({ findings: withFinding(message.findings, `${event.service}: ${event.message}`) });
      return touched({
        current: `${event.service}: ${event.message}`,
        services: withService(message, event.service, (s) => ({ ...s, step: "rollback" })),
      });
    case "break-glass": {
      const line = `break-glass by ${event.by} through ${event.windows.join("; ")}: ${event.reason}`;
      return touched({ breakGlass: clip(line), findings: withFinding(message.findings, line) });
    }
    case "canary-weight":
      return touched({ current: `${event.service}: canary: ${event.message}` });
    case "canary-analysis":
    case "canary-aborted":
    case "canary-decision":
    case "canary-promoted":
      return touched({ findings: withFinding(message.findings, `${event.service}: ${canaryLine(event)}`) });
    case "canary-paused":
      return touched({
        current: `${event.service}: canary paused: ${event.message}`,
        findings: withFinding(message.findings, `${event.service}: canary paused: ${event.message}`),
      });
    case "orphans-pruned":
      return touched({
        findings: withFinding(message.findings, `pruned ${event.objects.length} object(s) no longer defined`),
      });
    case "service-finished":
      return touched({
        services: withService(message, event.result.service, (s) => finishedService(s, event.result)),
      });
  }
}

const canaryLine = (
  event: Extract<
    DeployEvent,
    { type: "canary-analysis" | "canary-aborted" | "canary-decision" | "canary-promoted" }
  >,
): string => {
  switch (event.type) {
    case "canary-analysis":
      return `canary analysis ${event.verdict}: ${event.summary}`;
    case "canary-aborted":
      return `canary aborted: ${event.reason}`;
    case "canary-decision":
      return `canary ${event.action === "promote" ? "promoted" : "aborted"} by ${event.by}${event.reason ? `: ${event.reason}` : ""}`;
    case "canary-promoted":
      return `canary promoted: ${event.message}`;
  }
};

const finishedService = (s: MessageService, result: ServiceResult): MessageService => ({
  ...s,
  outcome: result.outcome,
  message: clip(result.message),
  ...(result.revision !== undefined ? { revision: result.revision } : {}),
  ...(result.failedStep ? { step: result.failedStep } : {}),
});

/** How a deploy ended, from its services' outcomes: rolled back wins, as in the exit code. */
export function outcomeOf(
  results: readonly { readonly outcome: ServiceOutcome }[],
  ok: boolean,
): MessageOutcome {
  if (ok) return "succeeded";
  return results.some((r) => r.outcome === "rolled-back") ? "rolled-back" : "failed";
}

/** The last update: the outcome, each service's result, no current step. */
export function endMessage(
  message: ReleaseMessage,
  end: { readonly ok: boolean; readonly services: readonly ServiceResult[]; readonly stopped?: string },
  now = new Date(),
): ReleaseMessage {
  const byService = new Map(end.services.map((r) => [r.service, r]));
  const { current: _current, ...rest } = message;
  const failures = end.stopped
    ? [
        ...message.failures,
        { service: "*", version: "", step: "deploy", message: clip(`stopped: ${end.stopped}`) },
      ]
    : message.failures;
  return {
    ...rest,
    updatedAt: now.toISOString(),
    services: message.services.map((s) => {
      const r = byService.get(s.service);
      return r ? finishedService(s, r) : s;
    }),
    failures,
    outcome: outcomeOf(end.services, end.ok && !end.stopped),
  };
}

/** Whether the deploy has failed so far: failures-only destinations start from here. */
export const hasFailed = (message: ReleaseMessage): boolean =>
  message.failures.length > 0 || message.outcome === "failed" || message.outcome === "rolled-back";

/** A one-line headline, for mail subjects and chat text. */
export function headline(message: ReleaseMessage): string {
  const what = message.services.map((s) => `${s.service} ${s.to}`).join(", ") || "nothing";
  const state =
    message.outcome === "running"
      ? "in progress"
      : message.outcome === "succeeded"
        ? "succeeded"
        : message.outcome === "rolled-back"
          ? "FAILED, rolled back"
          : "FAILED";
  const glass = message.breakGlass ? " (break-glass)" : "";
  return `${message.project}/${message.environment}: ${message.action} of ${what}${glass} ${state}`;
}

/** The message as lines of plain text: e-mail bodies and chat posts. */
export function messageText(message: ReleaseMessage): string {
  const lines = [
    headline(message),
    `by ${message.by}, started ${message.startedAt}`,
    "",
    ...message.services.map(
      (s) =>
        `  ${s.service}: ${s.from && s.from !== s.to ? `${s.from} → ${s.to}` : s.to}` +
        `${s.revision !== undefined ? ` (revision ${s.revision})` : ""}` +
        `${s.outcome ? `: ${s.outcome}${s.message ? ` (${s.message})` : ""}` : s.step ? `: at ${s.step}` : ""}`,
    ),
  ];
  if (message.breakGlass) lines.push("", message.breakGlass);
  if (message.current) lines.push("", `now: ${message.current}`);
  if (message.failures.length)
    lines.push("", "failed:", ...message.failures.map((f) => `  ${f.service} ${f.step}: ${f.message}`));
  if (message.incident && message.incident.count > 1)
    lines.push(
      "",
      `the same failure ${message.incident.count} times since ${message.incident.firstSeen} (one alert per incident)`,
    );
  if (message.findings.length) lines.push("", "findings:", ...message.findings.map((f) => `  ${f}`));
  return lines.join("\n") + "\n";
}
