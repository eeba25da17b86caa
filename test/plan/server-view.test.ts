import { beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { formatPlan, plain } from "../../src/output/plan.ts";
import { withSteps, type ListedPlan } from "../../src/procedure/plan-steps.ts";
import { objectKey } from "../../src/plan/live-state.ts";
import { buildPlan, planChanges, type Plan } from "../../src/plan/plan.ts";
import { asTheServerLeavesIt, withServerView } from "../../src/plan/server-view.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { exampleConfig } from "../support/project.ts";

type Env = { name: string; value?: string }[];
type Deployment = KubernetesObject & { spec: { template: { spec: { containers: { env: Env }[] } } } };

const containerEnv = (env: Record<string, unknown>) => ({
  "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"auth"}': { "f:env": env } } } } },
});
const item = (name: string) => ({ [`k:{"name":"${name}"}`]: { ".": {}, "f:name": {}, "f:value": {} } });

let project: ProjectModel;

/** The plan as `plan` shows it: with the steps the procedure lists for it. */
const listed = (p: Plan): ListedPlan => withSteps(p, project.services.get(p.environment) ?? []);
let rendered: KubernetesObject[];
beforeAll(async () => {
  project = await loadProject(exampleConfig);
  rendered = renderEnvironment(project, project.environments[0]!.name);
});

/**
 * auth's Deployment as the server keeps it after `kubectl set env deployment/auth
 * LOG_FORMAT=json`: Slipway's apply owns the defined variables, kubectl-set the new one.
 */
function liveAuth(): Deployment {
  const auth = structuredClone(rendered.find((o) => objectKey(o) === "Deployment/auth")) as Deployment;
  const env = auth.spec.template.spec.containers[0]!.env;
  env.push({ name: "LOG_FORMAT", value: "json" });
  auth.metadata = {
    ...auth.metadata,
    annotations: { ...auth.metadata?.annotations, "deployment.kubernetes.io/revision": "1" },
    managedFields: [
      {
        manager: "slipway",
        operation: "Apply",
        fieldsType: "FieldsV1",
        fieldsV1: containerEnv(Object.assign({}, ...env.slice(0, -1).map((e) => item(e.name)))),
      },
      {
        manager: "kubectl-set",
        operation: "Update",
        fieldsType: "FieldsV1",
        fieldsV1: containerEnv(item("LOG_FORMAT")),
      },
    ],
  };
  return auth;
}

function planAgainst(auth: Deployment): Plan {
  const live = new Map(rendered.map((o) => [objectKey(o), structuredClone(o)]));
  live.set("Deployment/auth", auth);
  const env = project.environments[0]!;
  const recorded = buildPlan({
    project,
    env,
    only: [],
    live: new Map(rendered.map((o) => [objectKey(o), o])),
  });
  // Every service deployed as defined: only the live objects can make a change.
  const releases = recorded.services.map((s) => ({
    service: s.service,
    revision: 1,
    version: s.newVersion,
    status: "deployed" as const,
    deployedBy: "test",
    startedAt: "2026-12-01T00:00:00Z",
    description: "",
    objectsHash: s.objectsHash,
  }));
  return buildPlan({ project, env, only: [], live, releases });
}

function seen(plan: Plan, after: KubernetesObject, live: KubernetesObject, reclaim: boolean): Plan {
  const services = withServerView(
    plan.services,
    new Map([["Deployment/auth", live]]),
    new Map([["Deployment/auth", after]]),
    reclaim,
  );
  return { ...plan, services, changed: planChanges(services, plan.orphans) };
}

const field = '.spec.template.spec.containers[name="auth"].env[name="LOG_FORMAT"]';

describe("the plan shows what the server's dry run of the apply leaves", () => {
  it("a variable another manager added stays: no change, no deploy, and the way to remove it", () => {
    const live = liveAuth();
    const plan = planAgainst(live);
    // Compared with the definition alone, the variable looks removed.
    const naive = plan.services.find((s) => s.service === "auth")!;
    expect(naive.changed).toBe(true);
    expect(naive.objects.find((o) => o.kind === "Deployment")?.action).toBe("update");

    // The server's dry run leaves the object as it is (its apply removes only Slipway's fields).
    const view = seen(plan, structuredClone(live), live, false);
    const auth = view.services.find((s) => s.service === "auth")!;
    expect(auth.changed).toBe(false);
    expect(view.changed).toBe(false);
    expect(auth.objects.find((o) => o.kind === "Deployment")).toMatchObject({
      action: "unchanged",
      changes: [],
      stays: [
        {
          field,
          path: `spec.template.spec.containers[0].env[${live.spec.template.spec.containers[0]!.env.length - 1}]`,
          value: { name: "LOG_FORMAT", value: "json" },
          managers: ["kubectl-set"],
          how: "added",
        },
      ],
    });
    const text = formatPlan(listed(view), plain);
    expect(text).toContain(
      [
        "  = Deployment/auth  (unchanged by the apply)",
        `      = stays: ${field} = {"name":"LOG_FORMAT","value":"json"}, added by field manager "kubectl-set"`,
        "        the apply leaves fields another manager added (server-side apply removes only Slipway's own): deploy --reclaim takes them over and removes them, or put them in the definition",
      ].join("\n"),
    );
    expect(text).toContain(
      "No changes a deploy would make; 1 field(s) other field managers added stay (= above): slipway deploy --env dev --reclaim removes them.",
    );
  });

  it("with --reclaim, the deploy takes the field over and its apply removes it", () => {
    const live = liveAuth();
    const view = seen(planAgainst(live), structuredClone(live), live, true);
    const auth = view.services.find((s) => s.service === "auth")!;
    expect(auth.changed).toBe(true);
    const deployment = auth.objects.find((o) => o.kind === "Deployment")!;
    const index = live.spec.template.spec.containers[0]!.env.length - 1;
    expect(deployment).toMatchObject({
      action: "update",
      changes: [
        {
          path: `spec.template.spec.containers[0].env[${index}]`,
          from: { name: "LOG_FORMAT", value: "json" },
        },
      ],
    });
    expect(deployment.stays).toBeUndefined();
    expect(deployment.reclaims?.map((f) => f.field)).toEqual([field]);
    expect(formatPlan(listed(view), plain)).toContain(
      `      ! reclaims from field manager "kubectl-set" (--reclaim), then removes: ${field}`,
    );
  });

  it("lists the changes the apply makes, not what the server writes with them (the revision annotation)", () => {
    const live = liveAuth();
    const before = live.spec.template.spec.containers[0]!.env[0]!.value;
    const after = structuredClone(live);
    after.spec.template.spec.containers[0]!.env[0]!.value = "changed-by-apply";
    after.metadata!.annotations!["deployment.kubernetes.io/revision"] = "2";
    const auth = seen(planAgainst(live), after, live, false).services.find((s) => s.service === "auth")!;
    expect(auth.objects.find((o) => o.kind === "Deployment")?.changes).toEqual([
      { path: "spec.template.spec.containers[0].env[0].value", from: before, to: "changed-by-apply" },
    ]);
  });

  it("a Deployment handed to an autoscaler keeps its live count: the apply hands replicas over first", () => {
    const live = liveAuth() as Deployment & { spec: { replicas?: number } };
    live.spec.replicas = 4;
    live.metadata!.managedFields!.push({
      manager: "slipway",
      operation: "Apply",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:spec": { "f:replicas": {} } },
    });
    const desired = structuredClone(live) as Deployment & { spec: { replicas?: number } };
    delete desired.spec.replicas;
    // The dry run cannot hand over: it drops Slipway's replicas, and the count to its default.
    const after = structuredClone(live);
    after.spec.replicas = 1;
    const change = { kind: "Deployment", name: "auth", action: "update" as const, changes: [], desired };
    expect(asTheServerLeavesIt(change, live, after, false).action).toBe("unchanged");
  });
});
