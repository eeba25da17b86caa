import type { V1Pod } from "@kubernetes/client-node";

/** Container states that will not recover by waiting. */
const hopeless = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "CreateContainerConfigError",
  "InvalidImageName",
  "CreateContainerError",
]);

/** Why a pod has failed for good, or undefined while it may still become ready. */
export function podFailure(pod: V1Pod): string | undefined {
  const name = pod.metadata?.name ?? "pod";
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && hopeless.has(waiting.reason))
      return `${name}: container ${status.name} ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
    const terminated = status.state?.terminated;
    if (pod.status?.phase === "Failed" && terminated) {
      return `${name}: container ${status.name} exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}${terminated.message ? `: ${terminated.message}` : ""}`;
    }
  }
  if (pod.status?.phase === "Failed")
    return `${name}: failed${pod.status.reason ? ` (${pod.status.reason})` : ""}${pod.status.message ? `: ${pod.status.message}` : ""}`;
  return undefined;
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
