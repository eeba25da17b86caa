import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import {
  evidenceSummary,
  evidenceText,
  lastLines,
  logSource,
  podEvidence,
} from "../../src/checks/rollout/evidence.ts";
import { jobPodFailure } from "../../src/clients/kubernetes/wait-job.ts";

const pod = (yaml: string): V1Pod => parse(yaml) as V1Pod;
const event = (reason: string, message: string, extra: Partial<CoreV1Event> = {}): CoreV1Event => ({
  metadata: {},
  involvedObject: { kind: "Pod", name: "web-1", fieldPath: "spec.containers{web}" },
  type: "Warning",
  reason,
  message,
  ...extra,
});

describe("a failed pod's evidence", () => {
  it("a crash loop: the reason, the exit code of the last container, its logs from the previous one", () => {
    const p = pod(`metadata: {name: web-1}
status:
  phase: Running
  containerStatuses:
  - name: web
    ready: false
    restartCount: 2
    state: {waiting: {reason: CrashLoopBackOff, message: "back-off 20s restarting failed container=web"}}
    lastState: {terminated: {exitCode: 1, reason: Error}}`);
    const e = podEvidence(p, []);
    expect(e).toEqual({
      pod: "web-1",
      container: "web",
      reason: "CrashLoopBackOff",
      message: "back-off 20s restarting failed container=web",
      exitCode: 1,
      restarts: 2,
    });
    expect(logSource(p, e)).toEqual({ container: "web", previous: true });
    const withLogs = {
      ...e,
      logs: ["starting", "fatal: cannot parse /etc/web/web.yaml"],
      logsFrom: "previous" as const,
    };
    expect(evidenceSummary(withLogs)).toBe(
      "web-1 (container web): CrashLoopBackOff: back-off 20s restarting failed container=web (exit code 1, 2 restart(s)); last log line: fatal: cannot parse /etc/web/web.yaml",
    );
    expect(evidenceText([withLogs])).toBe(
      [
        "web-1 (container web): CrashLoopBackOff: back-off 20s restarting failed container=web (exit code 1, 2 restart(s))",
        "  last 2 log line(s) of the previous container:",
        "    starting",
        "    fatal: cannot parse /etc/web/web.yaml",
      ].join("\n"),
    );
  });

  it("running but never ready: the readiness probe's failure from its Unhealthy events", () => {
    const p = pod(`metadata: {name: web-1}
status:
  phase: Running
  containerStatuses:
  - {name: web, ready: false, restartCount: 0, state: {running: {startedAt: "2026-01-01T00:00:00Z"}}}`);
    const e = podEvidence(p, [
      event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", { count: 7 }),
    ]);
    expect(e).toEqual({
      pod: "web-1",
      container: "web",
      reason: "Unhealthy",
      message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
      count: 7,
    });
    expect(logSource(p, e)).toEqual({ container: "web", previous: false });
  });

  it("an image that does not pull: the pull's error; the back-off's words give way to it; no logs to read", () => {
    const p = pod(`metadata: {name: web-1}
status:
  phase: Pending
  containerStatuses:
  - name: web
    ready: false
    restartCount: 0
    state: {waiting: {reason: ImagePullBackOff, message: 'Back-off pulling image "r/web@sha256:ab"'}}`);
    const e = podEvidence(p, [event("Failed", 'Failed to pull image "r/web@sha256:ab": blob unknown')]);
    expect(e.reason).toBe("ImagePullBackOff");
    expect(e.message).toBe('Failed to pull image "r/web@sha256:ab": blob unknown');
    expect(logSource(p, e)).toBeUndefined();
    expect(jobPodFailure(p)).toBe(
      'web-1: container web ImagePullBackOff: Back-off pulling image "r/web@sha256:ab"',
    );
  });

  it("stuck in ContainerCreating: the mount's failure from the events", () => {
    const p = pod(`metadata: {name: web-1}
status:
  phase: Pending
  containerStatuses:
  - {name: web, ready: false, restartCount: 0, state: {waiting: {reason: ContainerCreating}}}`);
    const e = podEvidence(p, [
      event(
        "FailedMount",
        'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found',
        {
          involvedObject: { kind: "Pod", name: "web-1" },
        },
      ),
    ]);
    expect(e).toMatchObject({
      reason: "FailedMount",
      message: expect.stringContaining('configmap "web-config" not found'),
    });
    expect(jobPodFailure(p)).toBeUndefined();
  });

  it("a Job pod that exited: its exit code, its current logs; events of other pods are not its own", () => {
    const p = pod(`metadata: {name: job-1}
status:
  phase: Failed
  containerStatuses:
  - {name: migrate, ready: false, restartCount: 0, state: {terminated: {exitCode: 1, reason: Error}}}`);
    const e = podEvidence(p, [event("FailedMount", "not mine")]);
    expect(e).toEqual({ pod: "job-1", container: "migrate", reason: "Error", exitCode: 1 });
    expect(logSource(p, e)).toEqual({ container: "migrate", previous: false });
  });

  it("keeps the last lines of a log, blank ones dropped, each cut short", () => {
    const long = "x".repeat(400);
    expect(lastLines("a\n\nb\nc\nd\ne\nf\n", 5)).toEqual(["b", "c", "d", "e", "f"]);
    expect(lastLines(`${long}\n`)[0]).toHaveLength(300);
  });
});
