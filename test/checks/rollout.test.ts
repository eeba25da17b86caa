import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { V1Deployment, V1Job, V1Pod } from "@kubernetes/client-node";
import { deploymentVerdict } from "../../src/checks/rollout/deployment.ts";
import { jobVerdict } from "../../src/checks/rollout/job.ts";
import { podFailure } from "../../src/checks/rollout/pod.ts";

const deployment = (yaml: string): V1Deployment => parse(yaml) as V1Deployment;

describe("deployment verdict", () => {
  it("waits for the new generation to be observed", () => {
    expect(
      deploymentVerdict(
        deployment("metadata: {generation: 3}\nspec: {replicas: 2}\nstatus: {observedGeneration: 2}"),
      ),
    ).toEqual({
      done: false,
      successful: false,
      message: "waiting for generation 3 to be observed",
    });
  });
  it("counts updated, old and available replicas", () => {
    const base = "metadata: {generation: 2}\nspec: {replicas: 3}\n";
    expect(
      deploymentVerdict(deployment(`${base}status: {observedGeneration: 2, replicas: 3, updatedReplicas: 1}`))
        .message,
    ).toBe("1 of 3 updated replicas");
    expect(
      deploymentVerdict(deployment(`${base}status: {observedGeneration: 2, replicas: 4, updatedReplicas: 3}`))
        .message,
    ).toBe("1 old replicas pending termination");
    expect(
      deploymentVerdict(
        deployment(
          `${base}status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2}`,
        ),
      ).message,
    ).toBe("2 of 3 updated replicas available");
    expect(
      deploymentVerdict(
        deployment(
          `${base}status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3}`,
        ),
      ),
    ).toEqual({
      done: true,
      successful: true,
      message: "3 of 3 replicas available",
    });
  });
  it("fails when its pods cannot be created for longer than a blip (a quota), not on the blip", () => {
    const since = "2026-12-06T12:00:00Z";
    const stuck = deployment(
      `metadata: {generation: 1}\nspec: {replicas: 1}\nstatus: {observedGeneration: 1, conditions: [{type: ReplicaFailure, status: "True", reason: FailedCreate, lastTransitionTime: "${since}", message: 'pods "web-1" is forbidden: exceeded quota: no-pods, requested: pods=1, used: pods=0, limited: pods=0'}]}`,
    );
    expect(deploymentVerdict(stuck, { now: Date.parse(since) + 3_000 })).toMatchObject({ done: false });
    // An earlier rollout's failure (a rollback re-applying the old template) is not this one's.
    const later = new Date(Date.parse(since) + 60_000);
    expect(deploymentVerdict(stuck, { now: later.getTime(), since: later })).toMatchObject({ done: false });
    expect(deploymentVerdict(stuck, { now: Date.parse(since) + 10_000 })).toEqual({
      done: true,
      successful: false,
      message:
        'pods cannot be created: pods "web-1" is forbidden: exceeded quota: no-pods, requested: pods=1, used: pods=0, limited: pods=0',
    });
  });
  it("fails on an exceeded progress deadline", () => {
    const v = deploymentVerdict(
      deployment(`metadata: {generation: 1}
spec: {replicas: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: 'ReplicaSet "web-1" has timed out progressing.'}`),
    );
    expect(v).toEqual({
      done: true,
      successful: false,
      message: 'progress deadline exceeded: ReplicaSet "web-1" has timed out progressing.',
    });
  });
});

describe("pod failure", () => {
  it("names a crash-looping container and a failed pod, and nothing for a pending one", () => {
    expect(
      podFailure(
        parse(
          "metadata: {name: web-1}\nstatus: {phase: Running, containerStatuses: [{name: web, state: {waiting: {reason: CrashLoopBackOff}}}]}",
        ) as V1Pod,
      ),
    ).toBe("web-1: container web CrashLoopBackOff");
    expect(
      podFailure(
        parse(
          "metadata: {name: web-2}\nstatus: {phase: Failed, containerStatuses: [{name: web, state: {terminated: {exitCode: 1, reason: containerFailed, message: boom}}}]}",
        ) as V1Pod,
      ),
    ).toBe("web-2: container web exited with code 1 (containerFailed): boom");
    expect(podFailure(parse("metadata: {name: web-3}\nstatus: {phase: Pending}") as V1Pod)).toBeUndefined();
  });
});

describe("job verdict", () => {
  it("tells complete, failed and running apart", () => {
    expect(
      jobVerdict(parse("status: {succeeded: 1, conditions: [{type: Complete, status: 'True'}]}") as V1Job)
        .successful,
    ).toBe(true);
    expect(
      jobVerdict(
        parse(
          "status: {failed: 1, conditions: [{type: Failed, status: 'True', reason: BackoffLimitExceeded, message: 'Job has reached the specified backoff limit'}]}",
        ) as V1Job,
      ),
    ).toEqual({
      done: true,
      successful: false,
      message: "failed: BackoffLimitExceeded (Job has reached the specified backoff limit)",
    });
    expect(jobVerdict(parse("status: {active: 1}") as V1Job)).toEqual({
      done: false,
      successful: false,
      message: "1 active, 0 succeeded, 0 failed",
    });
  });
});
