import type { ReleaseSummary } from "../release/record.ts";
import type { CanarySummary } from "./record.ts";

/** A release whose canary runs or waits for a person: pending, its canary running or paused. */
export type CanaryRelease = ReleaseSummary & { readonly canary: CanarySummary };

export const isCanaryUnderWay = (s: ReleaseSummary): s is CanaryRelease =>
  s.status === "pending" && (s.canary?.state === "running" || s.canary?.state === "paused");

/** Where a canary is, in words: `step 3 of 5, paused: manual` (steps counted from 1). */
export const canaryWhere = (canary: CanarySummary): string =>
  `step ${canary.step + 1} of ${canary.steps}, ${canary.state === "paused" ? `paused: ${canary.paused ?? "manual"}` : "running"}`;

/**
 * Another service's canary is under way in the environment: a deploy that does not include
 * that service refuses before it changes anything, since the canary's deploy holds that
 * service half-way and only it (or a person's promote or abort) may end it.
 */
export class CanaryWaiting extends Error {
  constructor(
    readonly environment: string,
    readonly release: CanaryRelease,
  ) {
    const { service, revision, canary } = release;
    super(
      `a canary of ${service} (revision ${revision}, ${canaryWhere(canary)}) waits in ${environment}: promote or abort it (slipway canary promote|abort ${service} -e ${environment}), or resume it with slipway deploy -e ${environment} ${service}`,
    );
    this.name = "CanaryWaiting";
  }
}

/** The first canary under way of a service this deploy leaves out, if any. */
export function canaryLeftOut(
  summaries: readonly ReleaseSummary[],
  deployed: ReadonlySet<string>,
): CanaryRelease | undefined {
  return summaries.find((s): s is CanaryRelease => isCanaryUnderWay(s) && !deployed.has(s.service));
}
