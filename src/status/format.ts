import type { CanaryRecord } from "../canary/record.ts";
import { formatAnalysis } from "../canary/format.ts";
import type { DeployProgress, ServiceProgress, StepProgress, StepState } from "./deploy-progress.ts";

/** Each state has a mark of its own, so the view reads without colour. */
export const stepMarks: Readonly<Record<StepState, string>> = {
  done: "✓",
  running: "▶",
  failed: "✗",
  skipped: "⊘",
  pending: "·",
  interrupted: "‖",
};

const stepText = (s: StepProgress): string =>
  `${stepMarks[s.state]} ${s.step}${s.waitsOn && s.state === "running" ? ` (${s.waitsOn})` : ""}`;

function serviceLines(s: ServiceProgress, width: number): string[] {
  const head = [
    s.service.padEnd(width),
    s.revision === undefined ? "" : `r${s.revision}`,
    s.version,
    s.state.toUpperCase(),
  ]
    .filter(Boolean)
    .join("  ");
  const lines = [`  ${head}`];
  if (s.steps.length) lines.push(`      ${s.steps.map(stepText).join("  ")}`);
  if (s.waitsOn) lines.push(`      ${s.waitsOn}`);
  if (s.blockedBy.length) lines.push(`      blocked by: ${s.blockedBy.join(", ")}`);
  for (const step of s.steps.filter((x) => x.state === "failed" || x.state === "interrupted"))
    lines.push(`      ${step.step}: ${step.message ?? step.state}`);
  for (const step of s.steps.filter((x) => x.state === "running"))
    for (const line of step.lines) lines.push(`      ${step.step}: ${line}`);
  if (s.canary) lines.push(...canaryLines(s.canary));
  if (s.rollback)
    lines.push(
      `      rollback to r${s.rollback.toRevision}: ${s.rollback.state}${s.rollback.message ? ` (${s.rollback.message})` : ""}`,
    );
  else if (s.message && s.state !== "deployed" && s.state !== "unchanged" && s.state !== "skipped")
    lines.push(`      ${s.message}`);
  for (const log of s.jobLogs) {
    lines.push(`      logs of Job ${log.job}:`);
    for (const line of log.lines.length ? log.lines : ["(no lines yet)"]) lines.push(`        ${line}`);
  }
  return lines;
}

/** `status --deploy` as text: the deploy, its lock, then each service's steps as a line of marks. */
export function formatDeployProgress(progress: DeployProgress): string[] {
  const lines: string[] = [];
  const d = progress.deploy;
  if (!d) {
    lines.push(`No deploy has been recorded in ${progress.environment} (namespace ${progress.namespace}).`);
  } else {
    lines.push(
      `Deploy ${d.id} to ${progress.environment} (${progress.namespace}) by ${d.by}: ${d.state.toUpperCase()}`,
    );
    lines.push(
      `  started ${d.startedAt}${d.finishedAt ? `, finished ${d.finishedAt}` : ""}, commit ${d.commit}`,
    );
  }
  const lock = progress.lock;
  lines.push(
    lock
      ? `Lock: held by ${lock.holder} since ${lock.since}, ${lock.expired ? "EXPIRED" : "expires"} ${lock.expiresAt}${lock.heldByThisDeploy ? "" : " (another deploy)"}`
      : "Lock: free",
  );
  if (d) {
    const width = Math.max(...progress.services.map((s) => s.service.length), 0);
    lines.push("");
    for (const s of progress.services) lines.push(...serviceLines(s, width));
    lines.push("");
    lines.push(d.message);
    if (d.resumeWith) lines.push(`Interrupted — resumable: run ${d.resumeWith} again`);
  }
  lines.push(
    `Marks: ${Object.entries(stepMarks)
      .map(([state, mark]) => `${mark} ${state}`)
      .join("  ")}`,
  );
  return lines;
}

/** A canary's state, then its last analysis with every check: the evidence so far. */
function canaryLines(canary: CanaryRecord): string[] {
  const step = Math.min(canary.at + 1, canary.steps.length);
  const state =
    canary.state === "paused" && canary.paused ? `paused (${canary.paused.reason})` : canary.state;
  const lines = [
    `      canary: ${state} at ${canary.weight}% (${canary.split.canary} canary, ${canary.split.stable} stable pods), step ${step} of ${canary.steps.length}; ${canary.analyses.length} analysis(es): ${canary.analyses.map((a) => a.result.verdict).join(", ") || "none yet"}`,
  ];
  if (canary.state === "paused" && canary.paused) lines.push(`      ${canary.paused.message}`);
  const last = canary.analyses.at(-1);
  if (last) lines.push(...formatAnalysis(last.result).map((l) => `      ${l}`));
  return lines;
}
