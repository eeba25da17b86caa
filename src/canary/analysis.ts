import type { AnalysisThresholds } from "../definitions/rollout-strategy.ts";

/**
 * Judging a canary, Kayenta's way: the canary against the stable version over the same window
 * (both served the same traffic, on the same nodes, against the same dependencies), never against
 * history. Pure: the evidence is read elsewhere (audit-evidence.ts, pod-evidence.ts); every
 * verdict carries the numbers it was made from, for the plan, the events and the release record.
 *
 * Too little evidence is inconclusive, never pass; a difference only fails when it is beyond the
 * threshold and sure enough (a one-sided test at `confidence`), else it is inconclusive too.
 */

export type Verdict = "pass" | "fail" | "inconclusive";

export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

export type Percentile = "p50" | "p95" | "p99";
export const percentiles: readonly Percentile[] = ["p50", "p95", "p99"];
const quantile: Record<Percentile, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };

/** One version's calls of one audited call in the window. */
export interface VersionCalls {
  readonly version: string;
  readonly requests: number;
  /** Answers 500–599. */
  readonly serverErrors: number;
  /** Answers 400–499. */
  readonly clientErrors: number;
  /** The call's duration (duration_ms) at each percentile; null without calls. */
  readonly latencyMs: Readonly<Record<Percentile, number | null>>;
}

export interface CallEvidence {
  readonly call: string;
  readonly window: TimeWindow;
  readonly stable: VersionCalls;
  readonly canary: VersionCalls;
}

export type CallMetric = "requests" | "5xx rate" | "4xx rate" | Percentile;
export type PodMetric = "restarts" | "OOM kills" | "readiness flaps" | "ready pods";

/** One comparison: the two values, the limit the canary was held to, and why it came out so. */
export interface Check {
  readonly metric: CallMetric | PodMetric;
  readonly verdict: Verdict;
  readonly stable: number | null;
  readonly canary: number | null;
  /** The most the canary could have had and passed (or, for requests, the least it needed). */
  readonly limit: number | null;
  readonly reason: string;
}

export interface CallVerdict {
  readonly call: string;
  readonly verdict: Verdict;
  /** Neither version served the call in the window: shown, not judged. */
  readonly idle: boolean;
  readonly checks: readonly Check[];
  readonly stable: VersionCalls;
  readonly canary: VersionCalls;
}

/** What one version's pods did in the window (pod-evidence.ts reads it from pod statuses). */
export interface TrackPods {
  readonly pods: number;
  readonly ready: number;
  readonly restarts: number;
  readonly oomKills: number;
  readonly readinessFlaps: number;
  /** One line per thing seen, naming the pod: "files-canary-7d9-x2: container files OOMKilled". */
  readonly notes: readonly string[];
}

export interface PodVerdict {
  readonly verdict: Verdict;
  readonly checks: readonly Check[];
  readonly stable: TrackPods;
  readonly canary: TrackPods;
}

export interface AnalysisResult {
  readonly verdict: Verdict;
  readonly window: TimeWindow;
  readonly stableVersion: string;
  readonly canaryVersion: string;
  readonly calls: readonly CallVerdict[];
  readonly pods?: PodVerdict;
  /** Why, in one line: the failing checks, else the inconclusive ones, else that all passed. */
  readonly summary: string;
}

/** The worst of the verdicts: fail over inconclusive over pass; none is inconclusive. */
export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("fail")) return "fail";
  if (verdicts.length === 0 || verdicts.includes("inconclusive")) return "inconclusive";
  return "pass";
}

/** Judges one call: enough calls on each side, then 5xx and 4xx rates, then latency. */
export function judgeCall(evidence: CallEvidence, t: AnalysisThresholds): CallVerdict {
  const { stable, canary } = evidence;
  const base = { call: evidence.call, stable, canary };
  const idle = stable.requests === 0 && canary.requests === 0;
  const enough = stable.requests >= t.minRequests && canary.requests >= t.minRequests;
  const requests: Check = {
    metric: "requests",
    verdict: enough ? "pass" : "inconclusive",
    stable: stable.requests,
    canary: canary.requests,
    limit: t.minRequests,
    reason: enough
      ? `each version served at least ${t.minRequests} calls`
      : `too few calls to judge: the canary served ${canary.requests}, the stable version ${stable.requests}; each needs ${t.minRequests}`,
  };
  // Below the minimum nothing else is judged: a rate or a percentile of a handful is noise.
  if (!enough) return { ...base, verdict: "inconclusive", idle, checks: [requests] };
  const checks: Check[] = [
    requests,
    rateCheck(
      "5xx rate",
      stable.serverErrors,
      stable.requests,
      canary.serverErrors,
      canary.requests,
      t.maxErrorRateIncrease,
      t.confidence,
    ),
    rateCheck(
      "4xx rate",
      stable.clientErrors,
      stable.requests,
      canary.clientErrors,
      canary.requests,
      t.maxClientErrorRateIncrease,
      t.confidence,
    ),
  ];
  for (const p of percentiles) {
    const increase = t.maxLatencyIncrease[p];
    if (increase !== false) checks.push(latencyCheck(p, stable, canary, increase, t.latencyToleranceMs));
  }
  return { ...base, verdict: combine(checks.map((c) => c.verdict)), idle, checks };
}

/**
 * The canary's error rate against the stable's. Within the allowed increase: pass. Beyond it and
 * beyond chance (one-sided two-proportion z-test, unpooled): fail. Beyond it by chance alone, as
 * far as these counts can tell: inconclusive.
 */
function rateCheck(
  metric: "5xx rate" | "4xx rate",
  stableErrors: number,
  stableRequests: number,
  canaryErrors: number,
  canaryRequests: number,
  maxIncrease: number,
  confidence: number,
): Check {
  const s = stableErrors / stableRequests;
  const c = canaryErrors / canaryRequests;
  const limit = s + maxIncrease;
  const numbers = `the canary ${percent(c)} (${canaryErrors}/${canaryRequests}), the stable version ${percent(s)} (${stableErrors}/${stableRequests})`;
  const check = { metric, stable: s, canary: c, limit } as const;
  if (c <= limit + 1e-12)
    return { ...check, verdict: "pass", reason: `${numbers}: within ${points(maxIncrease)} of the stable's` };
  const se = Math.sqrt((c * (1 - c)) / canaryRequests + (s * (1 - s)) / stableRequests);
  const z = se === 0 ? Number.POSITIVE_INFINITY : (c - limit) / se;
  return z >= normalQuantile(confidence)
    ? { ...check, verdict: "fail", reason: `${numbers}: more than ${points(maxIncrease)} above the stable's` }
    : {
        ...check,
        verdict: "inconclusive",
        reason: `${numbers}: above the stable's by more than ${points(maxIncrease)}, but not surely (${confidence * 100}% confidence needs more calls)`,
      };
}

/**
 * A percentile of the canary's durations against the stable's: slower by more than the allowed
 * share and by more than the tolerance fails. A percentile needs 5 calls beyond it on each side
 * (p95: 100 calls, p99: 500) to mean anything; with fewer it is inconclusive.
 */
function latencyCheck(
  p: Percentile,
  stable: VersionCalls,
  canary: VersionCalls,
  maxIncrease: number,
  toleranceMs: number,
): Check {
  const s = stable.latencyMs[p];
  const c = canary.latencyMs[p];
  const needed = Math.ceil(5 / (1 - quantile[p]) - 1e-9);
  if (s === null || c === null || stable.requests < needed || canary.requests < needed)
    return {
      metric: p,
      verdict: "inconclusive",
      stable: s,
      canary: c,
      limit: null,
      reason: `too few calls for a ${p}: it needs ${needed} per version`,
    };
  const limit = Math.max(s * (1 + maxIncrease), s + toleranceMs);
  const numbers = `the canary ${ms(c)}, the stable version ${ms(s)}`;
  return c > limit
    ? {
        metric: p,
        verdict: "fail",
        stable: s,
        canary: c,
        limit,
        reason: `${numbers}: slower than the ${ms(limit)} allowed (+${Math.round(maxIncrease * 100)}%, at least ${toleranceMs} ms)`,
      }
    : { metric: p, verdict: "pass", stable: s, canary: c, limit, reason: `${numbers}: within ${ms(limit)}` };
}

/**
 * Judges the canary's pods against the stable's over the window: restarts, OOM kills and
 * readiness flaps beyond the thresholds fail, unless the stable pods had as many per pod (then it
 * is the node or a dependency, not the version: inconclusive). A canary pod not ready at the end
 * leaves the window's calls unrepresentative: inconclusive.
 */
export function judgePods(stable: TrackPods, canary: TrackPods, t: AnalysisThresholds): PodVerdict {
  const perPod = (n: number, pods: number): number => (pods === 0 ? 0 : n / pods);
  const compare = (metric: Exclude<PodMetric, "ready pods">, s: number, c: number, max: number): Check => {
    const check = { metric, stable: s, canary: c, limit: max };
    const numbers = `the canary's pods ${c}, the stable's ${s}`;
    if (c <= max) return { ...check, verdict: "pass", reason: `${numbers} (at most ${max})` };
    if (perPod(s, stable.pods) >= perPod(c, canary.pods))
      return {
        ...check,
        verdict: "inconclusive",
        reason: `${numbers}: the stable pods had as many per pod, so it is not the version alone`,
      };
    return { ...check, verdict: "fail", reason: `${numbers}: more than ${max}` };
  };
  const checks: Check[] = [
    compare("restarts", stable.restarts, canary.restarts, t.maxRestarts),
    compare("OOM kills", stable.oomKills, canary.oomKills, 0),
    compare("readiness flaps", stable.readinessFlaps, canary.readinessFlaps, t.maxReadinessFlaps),
  ];
  const allReady = canary.pods > 0 && canary.ready === canary.pods;
  checks.push({
    metric: "ready pods",
    verdict: allReady ? "pass" : "inconclusive",
    stable: stable.ready,
    canary: canary.ready,
    limit: canary.pods,
    reason: allReady
      ? `${canary.pods === 1 ? "the canary pod" : `all ${canary.pods} canary pods`} ready at the end of the window`
      : `${canary.ready} of ${canary.pods} canary pods ready at the end of the window: the canary did not serve as planned`,
  });
  return { verdict: combine(checks.map((c) => c.verdict)), checks, stable, canary };
}

/**
 * The analysis of one window: every audited call and the pods. Calls neither version served are
 * shown, not judged; with no call judged at all there is no evidence, which is inconclusive.
 */
export function analyse(
  input: {
    readonly window: TimeWindow;
    readonly stableVersion: string;
    readonly canaryVersion: string;
    readonly calls: readonly CallEvidence[];
    readonly pods?: { readonly stable: TrackPods; readonly canary: TrackPods };
  },
  t: AnalysisThresholds,
): AnalysisResult {
  const calls = input.calls.map((c) => judgeCall(c, t));
  const pods = input.pods && judgePods(input.pods.stable, input.pods.canary, t);
  const judged = calls.filter((c) => !c.idle);
  const verdicts = [...judged.map((c) => c.verdict), ...(pods ? [pods.verdict] : [])];
  // Pods alone never pass a canary: only calls show it answers as well as the stable version.
  const verdict = judged.length === 0 && !verdicts.includes("fail") ? "inconclusive" : combine(verdicts);
  const lines = [
    ...calls.flatMap((c) => c.checks.map((check) => ({ where: c.call, check }))),
    ...(pods?.checks ?? []).map((check) => ({ where: "pods", check })),
  ];
  const worst = (v: Verdict) =>
    lines.filter((l) => l.check.verdict === v).map((l) => `${l.where} ${l.check.metric}: ${l.check.reason}`);
  const summary =
    verdict === "pass"
      ? `the canary ${input.canaryVersion} did as well as ${input.stableVersion} on ${judged.length} call${judged.length === 1 ? "" : "s"}${pods ? " and its pods" : ""}`
      : judged.length === 0 && verdict === "inconclusive"
        ? `no evidence: neither version served an audited call in the window${calls.length ? ` (${calls.map((c) => c.call).join(", ")})` : " (the service has no audited calls)"}`
        : worst(verdict).join("; ");
  return {
    verdict,
    window: input.window,
    stableVersion: input.stableVersion,
    canaryVersion: input.canaryVersion,
    calls,
    ...(pods ? { pods } : {}),
    summary,
  };
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
const points = (rate: number): string => `${+(rate * 100).toFixed(2)} point${rate === 0.01 ? "" : "s"}`;
const ms = (value: number): string => `${+value.toFixed(1)} ms`;

/**
 * The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9):
 * the z a one-sided test at this confidence must reach.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1, not ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const tail = (q: number): number =>
    (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}
