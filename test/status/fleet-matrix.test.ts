// A fleet in the matrix: a column per cluster, in wave order, each from that cluster's own
// objects; the cells of a service whose clusters run different versions say so; a cluster
// never read says so; the fleet's last deploy comes from the journal in its home cluster.
import type { KubernetesObject } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import type { EnvironmentModel, FleetModel, ProjectModel } from "../../src/definitions/model.ts";
import type { FleetJournalRecord } from "../../src/fleet/journal.ts";
import { renderServiceObjects } from "../../src/render/render.ts";
import { readPlaces } from "../../src/status/fleet-columns.ts";
import { buildMatrix, cellOf } from "../../src/status/matrix.ts";
import { watchedKinds, type PlatformSnapshot, type WatchedKind } from "../../src/status/platform-cache.ts";
import { textOf } from "../../src/ui/html.ts";
import { matrixFragment } from "../../src/ui/views/matrix.ts";
import { exampleConfig } from "../support/project.ts";

let project: ProjectModel;
let prod: EnvironmentModel;
beforeAll(async () => {
  const example = await loadProject(exampleConfig);
  const dev = example.environments.find((e) => e.name === "dev") as EnvironmentModel;
  const fleet: FleetModel = {
    clusters: ["eu-1", "eu-2", "us-1"].map((name) => ({
      name,
      cluster: { ...dev.cluster, context: name },
      registry: dev.registry,
      ingressClass: dev.ingressClass,
      storageClass: dev.storageClass,
    })),
    waves: [
      { clusters: ["eu-1"], bakeMs: 60_000, maxParallel: 1, failureBudget: 0 },
      { clusters: ["eu-2", "us-1"], bakeMs: 0, maxParallel: 2, failureBudget: 0 },
    ],
  };
  const { promotion: _promotion, ...rest } = dev;
  prod = { ...rest, name: "prod", fleet };
  project = {
    ...example,
    environments: [prod],
    services: new Map([["prod", example.services.get("dev") ?? []]]),
  };
});

/** The Deployment of `service` as its deploy would leave it, at `version`. */
const deployment = (service: string, version: string): KubernetesObject => {
  const model = project.services.get("prod")?.find((s) => s.spec.name === service);
  if (!model) throw new Error(service);
  const found = renderServiceObjects(project.name, prod, {
    ...model,
    spec: { ...model.spec, version },
  }).find((o) => o.kind === "Deployment");
  if (!found) throw new Error(`no Deployment for ${service}`);
  return found;
};

const journal = (record: FleetJournalRecord): KubernetesObject =>
  ({
    kind: "ConfigMap",
    metadata: { name: "slipway.fleet-deploy", labels: { "slipway.dev/record": "fleet-deploy" } },
    data: { "fleet.json": JSON.stringify(record) },
  }) as KubernetesObject;

const stopped: FleetJournalRecord = {
  id: "abc",
  environment: "prod",
  target: "t",
  by: "ada",
  startedAt: "2026-12-06T10:00:00Z",
  finishedAt: "2026-12-06T10:05:00Z",
  status: "stopped",
  waves: [
    {
      clusters: ["eu-1"],
      finished: {
        "eu-1": {
          cluster: "eu-1",
          outcome: "deployed",
          message: "1 service(s) deployed",
          deployed: ["auth"],
          exitCode: 0,
        },
      },
      bake: { ms: 60_000, unhealthy: { "eu-1": ["auth: 3 restarts"] } },
      state: "stopped",
    },
    { clusters: ["eu-2", "us-1"], finished: {}, state: "pending" },
  ],
};

const lease = {
  kind: "Lease",
  metadata: { name: "slipway-deploy-lock" },
  spec: {
    holderIdentity: "ada",
    acquireTime: new Date().toISOString(),
    renewTime: new Date().toISOString(),
    leaseDurationSeconds: 30,
  },
} as KubernetesObject;

function snapshot(
  perCluster: Record<string, Partial<Record<WatchedKind, KubernetesObject[]>> | "down">,
): PlatformSnapshot {
  return {
    project,
    generation: 1,
    environments: readPlaces(project.environments).map((env) => {
      const here = perCluster[env.member ?? ""];
      return {
        env,
        kinds: Object.fromEntries(
          watchedKinds.map((k) => [
            k,
            here === "down"
              ? { objects: [], synced: false, error: `cannot read ${k}: connect ECONNREFUSED` }
              : { objects: here?.[k] ?? [], synced: true },
          ]),
        ) as unknown as PlatformSnapshot["environments"][number]["kinds"],
      };
    }),
  };
}

describe("a fleet in the matrix", () => {
  it("has a column per cluster in wave order, each cell what that cluster runs", () => {
    const m = buildMatrix(
      snapshot({
        "eu-1": { deployments: [deployment("auth", "1.0.0")], journals: [journal(stopped)] },
        "eu-2": { deployments: [deployment("auth", "1.1.0")] },
        "us-1": { deployments: [deployment("auth", "1.0.0")] },
      }),
    );
    expect(m.environments.map((e) => [e.name, e.environment, e.cluster])).toEqual([
      ["prod · eu-1", "prod", "eu-1"],
      ["prod · eu-2", "prod", "eu-2"],
      ["prod · us-1", "prod", "us-1"],
    ]);
    expect(cellOf(m, "auth", "prod · eu-2")?.liveVersion).toBe("1.1.0");
    expect(cellOf(m, "auth", "prod · us-1")?.fleetVersions).toEqual({
      "eu-1": "1.0.0",
      "eu-2": "1.1.0",
      "us-1": "1.0.0",
    });
    expect(m.fleets).toEqual([
      { environment: "prod", clusters: ["eu-1", "eu-2", "us-1"], lastDeploy: stopped },
    ]);
  });

  it("marks only the services whose clusters differ", () => {
    const m = buildMatrix(
      snapshot({
        "eu-1": { deployments: [deployment("auth", "1.0.0")] },
        "eu-2": { deployments: [deployment("auth", "1.0.0")] },
        "us-1": { deployments: [deployment("auth", "1.0.0")] },
      }),
    );
    expect(cellOf(m, "auth", "prod · eu-1")?.fleetVersions).toBeUndefined();
    expect(m.fleets[0]?.lastDeploy).toBeUndefined();
  });

  it("a cluster never read is said unreadable; the others still show, and it does not count as differing", async () => {
    const m = buildMatrix(
      snapshot({
        "eu-1": { deployments: [deployment("auth", "1.0.0")] },
        "eu-2": "down",
        "us-1": { deployments: [deployment("auth", "1.0.0")] },
      }),
    );
    expect(m.environments.map((e) => e.unreadable)).toEqual([false, true, false]);
    expect(cellOf(m, "auth", "prod · eu-1")?.fleetVersions).toBeUndefined();
    const text = (await textOf(matrixFragment(m, { readOnly: true }))).replace(/\s+/g, " ");
    expect(text).toContain(
      '<td class="cell" data-env="prod · eu-2" data-state="unreadable"> <span class="state failed">⚠ cannot read eu-2</span>',
    );
    expect(text).toContain('prod · eu-2</strong> <span class="muted">(');
    expect(text).toContain("⚠ cannot read: lock unknown");
  });

  it("renders the last deploy's waves: outcomes, an unhealthy bake with its problems, the stopped line", async () => {
    const m = buildMatrix(
      snapshot({ "eu-1": { journals: [journal(stopped)], leases: [lease] }, "eu-2": {}, "us-1": {} }),
    );
    const text = (await textOf(matrixFragment(m, { readOnly: false })))
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ");
    expect(text).toContain("prod: the last fleet deploy ✗ the line stopped");
    expect(text).toContain(
      "Wave 1 ✗ stopped: beyond its failure budget ✓ eu-1: deployed 1 service(s) deployed",
    );
    expect(text).toContain("✗ unhealthy during its bake of 60 s: eu-1: auth: 3 restarts");
    expect(text).toContain("Wave 2 – not started – eu-2: not started – us-1: not started");
    expect(text).toContain("The line stopped at wave 1");
    // A fleet cluster's lock is released by its own command: the unlock page acts on one environment.
    expect(text).toContain("locked by ada");
    expect(text).toContain("slipway unlock --env prod --cluster eu-1 --force");
    expect(text).not.toContain("Unlock prod");
  });
});

describe("a fleet deploy under way", () => {
  it("says the wave baking and until when, and no stopped line", async () => {
    const { finishedAt: _finishedAt, ...unfinished } = stopped;
    const running: FleetJournalRecord = {
      ...unfinished,
      status: "running",
      waves: [
        {
          clusters: ["eu-1"],
          finished: { ...stopped.waves[0]?.finished },
          bakeEndsAt: "2026-12-06T10:06:00Z",
          state: "baking",
        },
        { clusters: ["eu-2", "us-1"], finished: {}, state: "pending" },
      ],
    };
    const m = buildMatrix(snapshot({ "eu-1": { journals: [journal(running)] }, "eu-2": {}, "us-1": {} }));
    const text = (await textOf(matrixFragment(m, { readOnly: true })))
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ");
    expect(text).toContain(
      "prod: the last fleet deploy ⟳ running (or interrupted: the same deploy run again resumes it)",
    );
    expect(text).toContain(
      "Wave 1 ⟳ baking ✓ eu-1: deployed 1 service(s) deployed ⟳ baking until 2026-12-06T10:06:00Z: watched for health",
    );
    expect(text).not.toContain("The line stopped");
  });
});
