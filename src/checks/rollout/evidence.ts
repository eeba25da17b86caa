import type { CoreV1Event, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

/**
 * Why one pod of a failed rollout or Job did not run, as the cluster says it: the kubelet's
 * reason and message (a container's waiting state, or the pod's Warning events: a probe that
 * failed, a volume that did not mount) and the container's last log lines. Kept in the release
 * record: short, and never a Secret's value (Slipway reads none; logs are the program's own).
 */
export interface FailureEvidence {
  readonly pod: string;
  readonly container?: string;
  /** The kubelet's word: CrashLoopBackOff, ErrImagePull, ImagePullBackOff, Unhealthy, FailedMount, Error, ... */
  readonly reason: string;
  /** What came with it: the pull error, "Readiness probe failed: ...", the mount's error. */
  readonly message?: string;
  /** How the container last ended, when it ran and ended. */
  readonly exitCode?: number;
  readonly restarts?: number;
  /** How often the event was seen (a probe that keeps failing). */
  readonly count?: number;
  /** The container's last log lines: of the previous container where it restarted, else the current one. */
  readonly logs?: readonly string[];
  readonly logsFrom?: "previous" | "current";
}

/** Log lines kept per pod. */
export const evidenceLogLines = 5;
/** Each kept string is cut to this many characters: the record stays small. */
const maxText = 400;
/** Pods whose evidence is gathered for one failure. */
export const evidencePods = 3;

export const clip = (text: string, max = maxText): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** Reasons of Warning events, the most telling first. */
const eventPriority = [
  "FailedMount",
  "FailedAttachVolume",
  "Failed",
  "Unhealthy",
  "FailedCreatePodSandBox",
  "FailedScheduling",
  "BackOff",
];

/** Waiting reasons that say nothing of their own: the events tell more. */
const uninformative = new Set(["ContainerCreating", "PodInitializing"]);

const eventTime = (e: CoreV1Event): number =>
  Date.parse(
    String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? 0),
  );

/** The pod's Warning event that says most about why it does not run or is not ready. */
export function tellingEvent(pod: V1Pod, events: readonly CoreV1Event[]): CoreV1Event | undefined {
  const name = pod.metadata?.name;
  const uid = pod.metadata?.uid;
  const mine = events.filter(
    (e) =>
      e.type === "Warning" &&
      e.involvedObject?.name === name &&
      (uid === undefined || e.involvedObject?.uid === undefined || e.involvedObject.uid === uid) &&
      eventPriority.includes(e.reason ?? ""),
  );
  const rank = (e: CoreV1Event): number => eventPriority.indexOf(e.reason ?? "");
  return mine.sort((a, b) => rank(a) - rank(b) || eventTime(b) - eventTime(a))[0];
}

/** A readiness or liveness probe that keeps failing, from its Unhealthy events. */
const probeEvent = (pod: V1Pod, events: readonly CoreV1Event[]): CoreV1Event | undefined =>
  tellingEvent(
    pod,
    events.filter((e) => e.reason === "Unhealthy"),
  );

/**
 * What the pod's status and events say, without its logs: a container's hopeless waiting state
 * first (with how it last ended), then a failed pod's exit, then the events (a mount, a probe).
 */
export function podEvidence(
  pod: V1Pod,
  events: readonly CoreV1Event[],
): Omit<FailureEvidence, "logs" | "logsFrom"> {
  const name = pod.metadata?.name ?? "pod";
  const statuses: V1ContainerStatus[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const fromStatus = (
    s: V1ContainerStatus,
    reason: string,
    message?: string,
  ): Omit<FailureEvidence, "logs" | "logsFrom"> => {
    const ended = s.state?.terminated ?? s.lastState?.terminated;
    // An image pull that keeps failing: "Back-off pulling image" says less than the pull's error.
    const pull =
      reason === "ImagePullBackOff"
        ? events.find((e) => e.involvedObject?.name === name && e.reason === "Failed")?.message
        : undefined;
    const said = pull ?? message;
    return {
      pod: name,
      container: s.name,
      reason,
      ...(said ? { message: clip(said) } : {}),
      ...(ended ? { exitCode: ended.exitCode } : {}),
      ...(s.restartCount ? { restarts: s.restartCount } : {}),
    };
  };
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && !uninformative.has(waiting.reason))
      return fromStatus(s, waiting.reason, waiting.message);
  }
  for (const s of statuses) {
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0) return fromStatus(s, t.reason ?? "Error", t.message);
  }
  const event = tellingEvent(pod, events);
  const running = statuses.find((s) => s.state?.running && !s.ready);
  // Running but not ready: the probe's own words.
  const probe = running ? probeEvent(pod, events) : undefined;
  const chosen = probe ?? event;
  if (chosen) {
    const container = /\{(\S+)\}/.exec(chosen.involvedObject?.fieldPath ?? "")?.[1] ?? running?.name;
    const status = statuses.find((s) => s.name === container);
    return {
      pod: name,
      ...(container ? { container } : {}),
      reason: chosen.reason ?? "Warning",
      ...(chosen.message ? { message: clip(chosen.message.trim()) } : {}),
      ...(chosen.count && chosen.count > 1 ? { count: chosen.count } : {}),
      ...(status?.restartCount ? { restarts: status.restartCount } : {}),
    };
  }
  if (pod.status?.phase === "Failed")
    return {
      pod: name,
      reason: pod.status.reason ?? "Failed",
      ...(pod.status.message ? { message: clip(pod.status.message) } : {}),
    };
  const waiting = statuses.find((s) => s.state?.waiting?.reason);
  if (waiting) return fromStatus(waiting, waiting.state?.waiting?.reason ?? "Waiting");
  if (running) return { pod: name, container: running.name, reason: "NotReady" };
  return { pod: name, reason: pod.status?.phase ?? "Unknown" };
}

/** The container whose logs tell: the one the evidence names, else the pod's first. */
export function logSource(
  pod: V1Pod,
  evidence: Pick<FailureEvidence, "container">,
): { container: string; previous: boolean } | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((s) => s.name === evidence.container) ?? pod.status?.containerStatuses?.[0];
  if (!status) return undefined;
  // Never started (pulling, mounting): no logs to read.
  const started = status.state?.running || status.state?.terminated || status.lastState?.terminated;
  if (!started) return undefined;
  const previous =
    (status.restartCount ?? 0) > 0 && !status.state?.terminated && !!status.lastState?.terminated;
  return { container: status.name, previous };
}

/** The last lines of a log, each cut short. */
export function lastLines(text: string, count = evidenceLogLines): string[] {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "")
    .slice(-count)
    .map((l) => clip(l, 300));
}

/** One line: the pod, its container, the reason and message, how it ended. */
export function evidenceLine(e: FailureEvidence): string {
  const ended = [
    ...(e.exitCode !== undefined ? [`exit code ${e.exitCode}`] : []),
    ...(e.restarts ? [`${e.restarts} restart(s)`] : []),
    ...(e.count ? [`seen ${e.count} times`] : []),
  ];
  return `${e.pod}${e.container ? ` (container ${e.container})` : ""}: ${e.reason}${e.message ? `: ${e.message}` : ""}${ended.length ? ` (${ended.join(", ")})` : ""}`;
}

/** A line that says it failed: an error, fatal, failed, exception or panic. */
const failing = /\b(error|fatal|fail(ed|s|ure)?|exception|panic)\b/i;

/**
 * The log line that says most, for one line of text: the last one that reads as a failure
 * (a program often ends on an afterword: "rolled back", "exiting"), else the last one.
 */
export function tellingLogLine(logs: readonly string[] | undefined): string | undefined {
  if (!logs?.length) return undefined;
  const last = logs.at(-1);
  if (last && failing.test(last)) return `last log line: ${last}`;
  const telling = [...logs].reverse().find((l) => failing.test(l));
  return telling ? `log: ${telling}` : `last log line: ${last ?? ""}`;
}

/** The reason and the log line that tells, in one line: for a step's message and the report. */
export function evidenceSummary(e: FailureEvidence): string {
  const line = tellingLogLine(e.logs);
  return `${evidenceLine(e)}${line ? `; ${line}` : ""}`;
}

/** The evidence as the terminal shows it under a step's line: each reason, then its log lines. */
export function evidenceText(evidence: readonly FailureEvidence[]): string {
  return evidence
    .flatMap((e) => [
      evidenceLine(e),
      ...(e.logs?.length
        ? [
            `  last ${e.logs.length} log line(s)${e.logsFrom === "previous" ? " of the previous container" : ""}:`,
            ...e.logs.map((l) => `    ${l}`),
          ]
        : []),
    ])
    .join("\n");
}
