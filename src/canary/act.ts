import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { liveHolder } from "../procedure/lock.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import { sleep } from "../util/sleep.ts";
import { giveDecision, readDecision } from "./decision.ts";
import { canaryDeploymentName } from "./names.ts";
import type { CanaryDecision } from "./record.ts";
import { isCanaryUnderWay } from "./waiting.ts";

export type CanaryAction = CanaryDecision["action"];

/**
 * Why a person's promote or abort was not given or carried out: `no-canary` (none runs) and
 * `not-resumable` (given, but the killed deploy cannot be resumed as it was): exit 4 in the
 * CLI; `not-paused` and `no-reason` (the request itself is wrong): exit 2.
 */
export class CanaryActionRefused extends Error {
  constructor(
    readonly kind: "no-canary" | "not-paused" | "no-reason" | "not-resumable",
    message: string,
  ) {
    super(message);
    this.name = "CanaryActionRefused";
  }
}

export interface CanaryActRequest {
  readonly cluster: Cluster;
  readonly namespace: string;
  readonly environment: string;
  readonly service: string;
  readonly action: CanaryAction;
  readonly reason?: string;
  /** Who decides, as the other actions name a person (procedure/identity.ts deployer). */
  readonly by: string;
  /** How long to wait for the running deploy to take the decision; default 60 s. */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
}

export interface CanaryActResult {
  readonly revision: number;
  readonly version: string;
  /** The canary Deployment the decision was given on. */
  readonly deployment: string;
  readonly decision: CanaryDecision;
  /** The live deploy that took the decision. */
  readonly carriedOutBy?: string;
  /** A live deploy holds the lock but had not taken it within the wait: it stays for its next look. */
  readonly waitingFor?: string;
  /** No deploy runs the canary (the one that ran it was killed): the caller resumes it. */
  readonly needsResume?: true;
}

/** The newest release of the service, in words, for "no canary runs" messages. */
function lastRelease(service: string, environment: string, newest: ReleaseSummary | undefined): string {
  if (!newest) return `no canary of ${service} runs in ${environment}: it was never deployed there`;
  const canary = newest.canary ? ` (its canary ${newest.canary.state})` : "";
  return `no canary of ${service} runs in ${environment}: its last release, revision ${newest.revision} (${newest.version}), is ${newest.status}${canary}`;
}

/**
 * A person's promote or abort of a service's canary, from the CLI or the dashboard: given as the
 * decision annotation on the canary Deployment, then taken by the deploy that runs the canary
 * (waited for, within `waitMs`), or, when no deploy runs it any more, said so for the caller to
 * resume it the way `slipway deploy -e ENV SERVICE` does.
 */
export async function actOnCanary(request: CanaryActRequest): Promise<CanaryActResult> {
  const { cluster, namespace, environment, service, action } = request;
  const reason = request.reason?.trim();
  if (action === "abort" && !reason)
    throw new CanaryActionRefused("no-reason", `an abort of the canary of ${service} needs a reason`);
  const store = new ReleaseStore(cluster, namespace);
  const summaries = await store.summaries(service);
  const under = summaries.find(isCanaryUnderWay);
  if (!under) throw new CanaryActionRefused("no-canary", lastRelease(service, environment, summaries[0]));
  const record = await store.get(service, under.revision);
  const step = under.canary.step;
  if (action === "promote" && under.canary.state !== "paused") {
    const kind = record.canary?.steps[step]?.kind;
    throw new CanaryActionRefused(
      "not-paused",
      `the canary of ${service} is at step ${step + 1} of ${under.canary.steps}${kind ? ` (${kind})` : ""}, not paused: promote goes past a pause`,
    );
  }
  const stable = record.objects.find((o) => o.kind === "Deployment")?.metadata?.name ?? service;
  const deployment = canaryDeploymentName(stable);
  const decision: CanaryDecision = {
    action,
    by: request.by,
    at: new Date().toISOString(),
    step,
    ...(reason ? { reason } : {}),
  };
  if (!(await giveDecision(cluster, namespace, deployment, decision)))
    throw new CanaryActionRefused(
      "no-canary",
      `the canary of ${service} (revision ${under.revision}) has no Deployment ${deployment} in ${environment}: resume it with slipway deploy -e ${environment} ${service}`,
    );
  const given = { revision: under.revision, version: under.version, deployment, decision };
  const holder = await liveHolder(cluster, namespace);
  if (!holder) return { ...given, needsResume: true };
  if (await decisionTaken(cluster, namespace, deployment, request.waitMs ?? 60_000, request.signal))
    return { ...given, carriedOutBy: holder };
  // A deploy killed on another machine looks alive until its lease lapses: look again.
  return (await liveHolder(cluster, namespace))
    ? { ...given, waitingFor: holder }
    : { ...given, needsResume: true };
}

/** Waits (polling every second) until the deploy that runs the canary has taken its decision. */
export async function decisionTaken(
  cluster: Cluster,
  namespace: string,
  deployment: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (!(await readDecision(cluster, namespace, deployment))) return true;
    if (Date.now() >= until) return false;
    await sleep(Math.min(1000, Math.max(0, until - Date.now())), signal);
  }
}
