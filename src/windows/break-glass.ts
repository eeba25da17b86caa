import type { KubernetesIdentities } from "../definitions/schema/environment.ts";

/** Who the API server says the kubeconfig's credentials are (SelfSubjectReview). */
export interface KubernetesIdentity {
  readonly username: string;
  readonly groups: readonly string[];
}

/** Whether an identity is one of the named users, or in one of the named groups. */
export const isNamed = (identity: KubernetesIdentity, named: KubernetesIdentities | undefined): boolean =>
  (named?.users ?? []).includes(identity.username) ||
  (named?.groups ?? []).some((g) => identity.groups.includes(g));

/**
 * A break-glass deploy as the release records it, and as the deploy's event stream announces it:
 * who (as the cluster named them), why, and which windows it broke.
 */
export interface BreakGlass {
  readonly by: string;
  readonly groups: readonly string[];
  readonly reason: string;
  /** The windows in force that it deployed through, in words. */
  readonly windows: readonly string[];
  readonly at: string;
}

/** The line status and history show among a release's overrides. */
export const breakGlassLine = (b: BreakGlass): string =>
  `break-glass by ${b.by} through ${b.windows.join("; ")}: ${b.reason}`;
