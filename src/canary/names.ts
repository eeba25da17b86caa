/**
 * The canary's names in the cluster. The canary is a second Deployment beside the stable one,
 * whose pods carry the service's own labels (so the one Service sends them their share of the
 * calls) plus a track label its own selector adds (so the two Deployments never adopt each
 * other's ReplicaSets).
 */
export const canaryDeploymentName = (deployment: string): string => `${deployment}-canary`;

export const trackLabel = "slipway.dev/track";

/** A person's decision, on the canary Deployment: `kubectl annotate` can give it too. */
export const decisionAnnotation = "slipway.dev/canary-decision";

/** Who scales the stable Deployment down while a canary runs: the next apply takes the field back. */
export const canaryManager = "slipway-canary";
