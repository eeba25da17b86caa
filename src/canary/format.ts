import type { CanaryStep } from "../definitions/rollout-strategy.ts";
import type { AnalysisResult, Check, Verdict } from "./analysis.ts";

/**
 * An analysis as terminal lines: the verdict and its window, then per call and for the pods each
 * check with its verdict and reason. A renderer only: every number comes from the result.
 */
export function formatAnalysis(result: AnalysisResult): string[] {
  const lines = [
    `${mark[result.verdict]} canary ${result.canaryVersion} against ${result.stableVersion}, ${clock(result.window.from)}–${clock(result.window.to)}: ${result.verdict}`,
  ];
  for (const call of result.calls) {
    if (call.idle) {
      lines.push(`  ${call.call}: no calls in the window (not judged)`);
      continue;
    }
    lines.push(`  ${mark[call.verdict]} ${call.call}`, ...call.checks.map(checkLine));
    const latency = (["p50", "p95", "p99"] as const)
      .map((p) => `${p} ${ms(call.stable.latencyMs[p])} → ${ms(call.canary.latencyMs[p])}`)
      .join(", ");
    lines.push(`      latency (stable → canary): ${latency}`);
  }
  if (result.pods) {
    lines.push(`  ${mark[result.pods.verdict]} pods`, ...result.pods.checks.map(checkLine));
    for (const note of [
      ...result.pods.canary.notes.map((n) => `canary ${n}`),
      ...result.pods.stable.notes.map((n) => `stable ${n}`),
    ])
      lines.push(`      ${note}`);
  }
  return lines;
}

const mark: Record<Verdict, string> = { pass: "✓", fail: "✗", inconclusive: "?" };

const checkLine = (check: Check): string => `    ${mark[check.verdict]} ${check.metric}: ${check.reason}`;

const ms = (value: number | null): string => (value === null ? "–" : `${+value.toFixed(1)} ms`);

/** UTC, to the second: the window as the audit index's @timestamp reads it. */
// A record read back from the cluster carries the window as ISO strings, not Dates.
const clock = (at: Date | string): string => `${new Date(at).toISOString().slice(11, 19)}Z`;

/** A canary step in a few words: the plan, the progress lines and the dashboard say it alike. */
export const canaryStepText = (step: CanaryStep): string =>
  step.kind === "weight"
    ? `weight ${step.weight}%`
    : step.kind === "analysis"
      ? `analysis ${step.window}`
      : "pause for a person";
