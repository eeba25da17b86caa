import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DeployJournalRecord, JournalService } from "../../src/procedure/deploy-journal.ts";
import type { ReleaseRecord, ReleaseSummary, StepRecord } from "../../src/release/record.ts";
import {
  deployProgressFrom,
  jobLogLines,
  jobsWithLogs,
  releasesToRead,
  type DeployProgressSnapshot,
  type ServiceProgress,
} from "../../src/status/deploy-progress.ts";
import { formatDeployProgress } from "../../src/status/format.ts";

const now = new Date("2026-12-03T12:00:00.000Z");
const holder = "ana@laptop pid 4242 (a1b2c3d4)";
const steps = ["gate", "check-migrations", "apply", "rollout", "record"] as const;

const entry = (service: string, extra: Partial<JournalService> = {}): JournalService => ({
  service,
  dependsOn: [],
  steps: [...steps],
  version: "1.0.0",
  revision: 2,
  objectsHash: `hash-${service}`,
  ...extra,
});

const journal = (
  services: JournalService[],
  extra: Partial<DeployJournalRecord> = {},
): DeployJournalRecord => ({
  id: "d1",
  holder,
  project: "research",
  environment: "dev",
  only: ["auth", "mail", "files"],
  by: "system:admin (ana)",
  commit: "abc123",
  startedAt: "2026-12-03T11:58:00.000Z",
  status: "running",
  services,
  ...extra,
});

const summary = (service: string, revision: number, status: ReleaseSummary["status"]): ReleaseSummary => ({
  service,
  revision,
  version: revision === 1 ? "0.9.0" : "1.0.0",
  status,
  deployedBy: "x",
  startedAt: "2026-12-03T11:00:00.000Z",
  description: "deploy",
  objectsHash: `hash-${service}`,
});

const record = (
  service: string,
  revision: number,
  done: readonly (readonly [string, StepRecord["status"]])[],
  extra: Partial<ReleaseRecord> = {},
): ReleaseRecord => ({
  service,
  environment: "dev",
  revision,
  version: "1.0.0",
  digests: {},
  status: "pending",
  objects: [],
  objectsHash: `hash-${service}`,
  calls: [],
  checks: [],
  steps: done.map(([step, status]) => ({
    step,
    status,
    at: "2026-12-03T11:59:00.000Z",
    message: `${step} ${status}`,
  })),
  deployedBy: "x",
  commit: "abc123",
  startedAt: "2026-12-03T11:58:30.000Z",
  description: "deploy 1.0.0",
  ...extra,
});

const lease = (holderIdentity: string, renewTime: string): KubernetesObject =>
  ({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "slipway-deploy-lock" },
    spec: { holderIdentity, leaseDurationSeconds: 30, acquireTime: "2026-12-03T11:58:00.000000Z", renewTime },
  }) as KubernetesObject;

const deployment = (name: string, ready: number, desired: number): KubernetesObject =>
  ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, generation: 2 },
    spec: { replicas: desired },
    status: { observedGeneration: 2, readyReplicas: ready, updatedReplicas: ready, replicas: desired },
  }) as KubernetesObject;

const snapshot = (extra: Partial<DeployProgressSnapshot>): DeployProgressSnapshot => ({
  environment: "dev",
  namespace: "research-dev",
  releases: [],
  records: [],
  deployments: [],
  jobs: [],
  now,
  holderIsDead: () => false,
  ...extra,
});

const named = (services: readonly ServiceProgress[], name: string): ServiceProgress => {
  const found = services.find((s) => s.service === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
const stateOf = (s: ServiceProgress): string[] => s.steps.map((step) => `${step.step}:${step.state}`);

describe("deployProgressFrom", () => {
  it("without a journal: no deploy, no services; a lock someone holds is still shown", () => {
    const p = deployProgressFrom(snapshot({ lease: lease(holder, "2026-12-03T11:59:50.000000Z") }));
    expect(p.deploy).toBeUndefined();
    expect(p.services).toEqual([]);
    expect(p.resumable).toBe(false);
    expect(p.lock).toMatchObject({ holder, expired: false, heldByThisDeploy: false });
    expect(formatDeployProgress(p).join("\n")).toContain("No deploy has been recorded in dev");
  });

  it("while running: a finished service done, one in its rollout with its pods, a dependent waiting", () => {
    const j = journal([
      entry("auth", {
        finished: {
          outcome: "deployed",
          message: "revision 2: 1.0.0",
          at: "2026-12-03T11:59:30Z",
          revision: 2,
        },
      }),
      entry("mail", { dependsOn: ["auth"] }),
      entry("files", { dependsOn: ["mail"] }),
    ]);
    const p = deployProgressFrom(
      snapshot({
        journal: j,
        lease: lease(holder, "2026-12-03T11:59:50.000000Z"),
        releases: [
          summary("auth", 2, "deployed"),
          summary("mail", 2, "pending"),
          summary("mail", 1, "deployed"),
        ],
        records: [
          record(
            "auth",
            2,
            steps.map((s) => [s, "done"] as const),
            { status: "deployed" },
          ),
          record("mail", 2, [
            ["gate", "done"],
            ["check-migrations", "done"],
            ["apply", "done"],
          ]),
        ],
        deployments: [deployment("mail", 1, 3)],
      }),
    );
    expect(p.deploy).toMatchObject({ state: "running", id: "d1" });
    expect(p.lock).toMatchObject({ heldByThisDeploy: true, expired: false });
    expect(p.resumable).toBe(false);
    expect(named(p.services, "auth").state).toBe("deployed");
    expect(stateOf(named(p.services, "auth")).every((s) => s.endsWith(":done"))).toBe(true);
    const mail = named(p.services, "mail");
    expect(mail.state).toBe("running");
    expect(stateOf(mail)).toEqual([
      "gate:done",
      "check-migrations:done",
      "apply:done",
      "rollout:running",
      "record:pending",
    ]);
    expect(mail.steps[3]).toMatchObject({ waitsOn: "1/3 pods ready", lines: ["1 of 3 updated replicas"] });
    const files = named(p.services, "files");
    expect(files).toMatchObject({ state: "pending", waitsOn: "waiting for mail", blockedBy: [] });
    expect(stateOf(files).every((s) => s.endsWith(":pending"))).toBe(true);
    const text = formatDeployProgress(p).join("\n");
    expect(text).toContain("✓ apply  ▶ rollout (1/3 pods ready)  · record");
    expect(text).toContain("waiting for mail");
  });

  it("a finished, failed deploy: the failed step, the rollback, the skipped dependent and why", () => {
    const j = journal(
      [
        entry("mail", {
          finished: {
            outcome: "rolled-back",
            message: "rollout failed: pod failed; rolled back to revision 1 (0.9.0)",
            at: "2026-12-03T11:59:40Z",
            revision: 2,
          },
        }),
        entry("files", {
          dependsOn: ["mail"],
          finished: {
            outcome: "skipped",
            message: "not deployed: mail did not deploy",
            at: "x",
            blockedBy: ["mail"],
          },
        }),
      ],
      { status: "failed", finishedAt: "2026-12-03T11:59:41Z" },
    );
    const p = deployProgressFrom(
      snapshot({
        journal: j,
        releases: [summary("mail", 2, "failed"), summary("mail", 1, "deployed")],
        records: [
          record(
            "mail",
            2,
            [
              ["gate", "done"],
              ["check-migrations", "done"],
              ["apply", "done"],
              ["rollout", "failed"],
            ],
            {
              status: "failed",
              rollback: { toRevision: 1, outcome: "succeeded", message: "1 of 1 replicas available" },
            },
          ),
        ],
      }),
    );
    expect(p.deploy?.state).toBe("failed");
    expect(p.resumable).toBe(false);
    const mail = named(p.services, "mail");
    expect(mail.state).toBe("rolled-back");
    expect(stateOf(mail).slice(3)).toEqual(["rollout:failed", "record:skipped"]);
    expect(mail.rollback).toEqual({
      toRevision: 1,
      state: "succeeded",
      message: "1 of 1 replicas available",
    });
    const files = named(p.services, "files");
    expect(files).toMatchObject({ state: "skipped", blockedBy: ["mail"] });
    expect(stateOf(files).every((s) => s.endsWith(":skipped"))).toBe(true);
    const text = formatDeployProgress(p).join("\n");
    expect(text).toContain("✗ rollout  ⊘ record");
    expect(text).toContain("rollback to r1: succeeded");
    expect(text).toContain("blocked by: mail");
  });

  it("a rollback still running shows as running, toward the deployed revision", () => {
    const p = deployProgressFrom(
      snapshot({
        journal: journal([entry("mail")]),
        lease: lease(holder, "2026-12-03T11:59:50.000000Z"),
        releases: [summary("mail", 2, "pending"), summary("mail", 1, "deployed")],
        records: [
          record("mail", 2, [
            ["apply", "done"],
            ["rollout", "failed"],
          ]),
        ],
      }),
    );
    const mail = named(p.services, "mail");
    expect(mail.rollback).toEqual({ toRevision: 1, state: "running" });
    expect(stateOf(mail)).toContain("record:skipped");
  });

  const gone: [string, KubernetesObject | undefined, () => boolean][] = [
    ["its lock is gone", undefined, () => false],
    ["its lock expired", lease(holder, "2026-12-03T11:58:10.000000Z"), () => false],
    [
      "its holder's process is gone on this machine",
      lease(holder, "2026-12-03T11:59:50.000000Z"),
      () => true,
    ],
  ];
  it.each(gone)(
    "a journal left running whose %s: interrupted, resumable, with the command to resume",
    (_, l, dead) => {
      const p = deployProgressFrom(
        snapshot({
          journal: journal([entry("auth"), entry("mail", { dependsOn: ["auth"] })]),
          ...(l ? { lease: l } : {}),
          holderIsDead: dead,
          releases: [summary("auth", 2, "pending")],
          records: [
            record("auth", 2, [
              ["gate", "done"],
              ["check-migrations", "done"],
              ["apply", "done"],
            ]),
          ],
        }),
      );
      expect(p.deploy?.state).toBe("interrupted");
      expect(p.resumable).toBe(true);
      expect(p.deploy?.resumeWith).toBe("slipway deploy -e dev auth mail files");
      expect(p.deploy?.message).toContain("run slipway deploy -e dev auth mail files again to resume");
      const auth = named(p.services, "auth");
      expect(auth.state).toBe("interrupted");
      expect(stateOf(auth).slice(2)).toEqual(["apply:done", "rollout:interrupted", "record:pending"]);
      expect(named(p.services, "mail").state).toBe("interrupted");
      expect(formatDeployProgress(p).join("\n")).toContain(
        "Interrupted — resumable: run slipway deploy -e dev auth mail files again",
      );
    },
  );

  it("a newer deploy holding the lock makes the old journal's deploy interrupted", () => {
    const p = deployProgressFrom(
      snapshot({
        journal: journal([entry("auth")]),
        lease: lease("bo@ci pid 7 (ffff0000)", "2026-12-03T11:59:50.000000Z"),
      }),
    );
    expect(p.deploy?.state).toBe("interrupted");
    expect(p.lock).toMatchObject({ heldByThisDeploy: false, expired: false });
  });

  it("a running migration Job: its state as what the step waits on, its last log lines inline", () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "accounting-migrate-r2" },
      status: { active: 1 },
    } as KubernetesObject;
    const base = snapshot({
      journal: journal([entry("accounting", { steps: ["gate", "migrate", "apply"] })]),
      lease: lease(holder, "2026-12-03T11:59:50.000000Z"),
      releases: [summary("accounting", 2, "pending")],
      records: [record("accounting", 2, [["gate", "done"]])],
      jobs: [job],
    });
    const first = deployProgressFrom(base);
    expect(jobsWithLogs(first)).toEqual(["accounting-migrate-r2"]);
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i}`);
    const p = deployProgressFrom({ ...base, logs: new Map([["accounting-migrate-r2", lines]]) });
    const accounting = named(p.services, "accounting");
    expect(accounting.steps[1]).toMatchObject({
      state: "running",
      waitsOn: "Job accounting-migrate-r2: 1 active, 0 succeeded, 0 failed",
    });
    expect(accounting.jobLogs).toEqual([{ job: "accounting-migrate-r2", lines: lines.slice(-jobLogLines) }]);
    const text = formatDeployProgress(p).join("\n");
    expect(text).toContain("logs of Job accounting-migrate-r2:\n        line 30\n");
  });

  it("reads the full records of the deploy's own services only, and only those that exist", () => {
    const j = journal([entry("auth"), entry("mail"), entry("files", { revision: undefined, steps: [] })]);
    const releases = [
      summary("auth", 2, "pending"),
      summary("auth", 1, "deployed"),
      summary("other", 4, "pending"),
    ];
    expect(releasesToRead(j, releases)).toEqual([{ service: "auth", revision: 2 }]);
    expect(releasesToRead(undefined, releases)).toEqual([]);
  });

  it("reads the journal from its ConfigMap as well", () => {
    const j = journal([entry("auth")], { status: "done", finishedAt: "2026-12-03T11:59:00Z" });
    const configMap = { apiVersion: "v1", kind: "ConfigMap", data: { "deploy.json": JSON.stringify(j) } };
    expect(deployProgressFrom(snapshot({ journal: configMap as KubernetesObject })).deploy?.state).toBe(
      "done",
    );
  });
});
