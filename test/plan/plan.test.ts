import { beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { diffObject } from "../../src/plan/diff.ts";
import { formatPlan, plain } from "../../src/output/plan.ts";
import { planSteps, withSteps, type ListedPlan } from "../../src/procedure/plan-steps.ts";
import { objectKey } from "../../src/plan/live-state.ts";
import { buildPlan, type Plan } from "../../src/plan/plan.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { hashObjects } from "../../src/release/hash.ts";
import { renderServiceObjects } from "../../src/render/render.ts";
import { exampleConfig } from "../support/project.ts";

let project: ProjectModel;

/** The plan as `plan` shows it: with the steps the procedure lists for it. */
const listed = (p: Plan): ListedPlan => withSteps(p, project.services.get(p.environment) ?? []);
beforeAll(async () => {
  project = await loadProject(exampleConfig);
});

/** What the server would return: our objects plus fields it adds on its own. */
const asLive = (o: KubernetesObject): KubernetesObject => {
  const live = structuredClone(o) as KubernetesObject & {
    status?: unknown;
    metadata: Record<string, unknown>;
  };
  live.metadata.uid = "1234";
  live.metadata.resourceVersion = "99";
  live.metadata.managedFields = [{ manager: "slipway" }];
  live.status = { replicas: 1 };
  return live;
};

describe("diff", () => {
  it("ignores fields the server adds and reports the ones we change, by path", () => {
    const [deployment] = renderEnvironment(project, "dev", ["mail"]).filter((o) => o.kind === "Deployment");
    const live = asLive(deployment!);
    expect(diffObject(deployment!, live)).toEqual([]);
    const wanted = structuredClone(deployment!) as KubernetesObject & { spec: { replicas: number } };
    wanted.spec.replicas = 4;
    expect(diffObject(wanted, live)).toEqual([{ path: "spec.replicas", from: 1, to: 4 }]);
  });
});

describe("plan", () => {
  it("creates everything on an empty environment, in kind order, with steps per service", () => {
    const plan = buildPlan({ project, env: project.environments[0]!, only: [], live: new Map() });
    expect(plan.changed).toBe(true);
    expect(plan.services.map((s) => s.service)).toEqual([
      "auth",
      "accounting",
      "files",
      "app-orchestrator",
      "mail",
      "maintenance",
    ]);
    expect(plan.services.every((s) => s.objects.every((o) => o.action === "create"))).toBe(true);
    expect(
      planSteps(plan, project.services.get(plan.environment) ?? [])
        .filter((s) => s.service === "files")
        .map((s) => s.step),
    ).toEqual(["check-migrations", "migrate", "apply", "rollout", "record"]);
  });

  it("says nothing changed when live objects and the release records match, and prunes leftovers", () => {
    const env = project.environments[0]!;
    const objects = renderEnvironment(project, env.name);
    const live = new Map(objects.map((o) => [objectKey(o), asLive(o)]));
    const releases = (project.services.get(env.name) ?? []).map((s) => ({
      service: s.spec.name,
      revision: 1,
      version: s.spec.version,
      status: "deployed" as const,
      deployedBy: "test",
      startedAt: "2026-11-26T00:00:00Z",
      description: "",
      objectsHash: hashObjects(renderServiceObjects(project.name, env, s)),
    }));
    const clean = buildPlan({ project, env, only: [], live, releases });
    expect(clean.changed).toBe(false);
    expect(formatPlan(listed(clean), plain)).toContain(
      "No changes: the environment matches the definitions.",
    );

    const leftover = asLive({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "old-files-config", labels: { "app.kubernetes.io/name": "files" } },
    });
    const gone = asLive({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "billing", labels: { "app.kubernetes.io/name": "billing" } },
    });
    const withLeftovers = new Map([...live, [objectKey(leftover), leftover], [objectKey(gone), gone]]);
    const plan = buildPlan({ project, env, only: [], live: withLeftovers, releases });
    expect(
      plan.services.find((s) => s.service === "files")?.objects.find((o) => o.action === "prune")?.name,
    ).toBe("old-files-config");
    expect(plan.orphans.map((o) => `${o.kind}/${o.name}`)).toEqual(["Service/billing"]);
    // Deploying one service never prunes other services' objects.
    expect(buildPlan({ project, env, only: ["auth"], live: withLeftovers, releases }).orphans).toEqual([]);
  });

  it("reads the live state a fixed number of times, not once per service", () => {
    const env = project.environments[0]!;
    const objects = renderEnvironment(project, env.name);
    let reads = 0;
    /** The live state, counting how often the plan walks all of it. */
    class CountedMap extends Map<string, KubernetesObject> {
      override values(): MapIterator<KubernetesObject> {
        reads++;
        return super.values();
      }
    }
    const live = new CountedMap(objects.map((o) => [objectKey(o), asLive(o)]));
    const plan = buildPlan({ project, env, only: [], live });
    expect(plan.services.length).toBeGreaterThan(3);
    // For the ConfigMaps' mounts, for each service's own objects, for the orphans: a plan of a
    // thousand services walked all of it twice per service (its own objects, its live version).
    expect(reads).toBeLessThanOrEqual(3);
  });
});
