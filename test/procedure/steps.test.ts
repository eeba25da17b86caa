import { beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel, ServiceModel } from "../../src/definitions/model.ts";
import { objectKey } from "../../src/plan/live-state.ts";
import { buildPlan, type ServicePlan } from "../../src/plan/plan.ts";
import { rolloutPlan } from "../../src/plan/rollout-plan.ts";
import { planSteps, stepsFor } from "../../src/procedure/plan-steps.ts";
import { procedure } from "../../src/procedure/steps/index.ts";
import { exampleConfig } from "../support/project.ts";

let project: ProjectModel;
beforeAll(async () => {
  project = await loadProject(exampleConfig);
});

const env = () => project.environments[0]!;
const serviceNamed = (name: string): ServiceModel =>
  project.services.get(env().name)!.find((s) => s.spec.name === name)!;

/** What the server returns for an object Slipway applied. */
const asLive = (o: KubernetesObject): KubernetesObject => ({
  ...structuredClone(o),
  metadata: { ...o.metadata, uid: "1", resourceVersion: "2" },
});

/** The plan of one service against a live namespace holding `live` and these release summaries. */
function planOf(name: string, live: readonly KubernetesObject[], deployedHash?: string): ServicePlan {
  const plan = buildPlan({
    project,
    env: env(),
    only: [name],
    live: new Map(live.map((o) => [objectKey(o), asLive(o)])),
    releases: deployedHash
      ? [
          {
            service: name,
            revision: 1,
            version: "0",
            status: "deployed",
            deployedBy: "test",
            startedAt: "2026-12-01T00:00:00Z",
            description: "",
            objectsHash: deployedHash,
          },
        ]
      : [],
  });
  return plan.services[0]!;
}

const names = (plan: ServicePlan, service: ServiceModel): string[] =>
  stepsFor({ plan, service }).map((s) => s.name);

describe("the procedure's steps", () => {
  it("are the procedure, in its order, each with a phase", () => {
    expect(procedure.map((s) => [s.name, s.phase])).toEqual([
      ["gate", "before-rollout"],
      ["check-migrations", "before-rollout"],
      ["migrate", "before-rollout"],
      ["audit-index", "before-rollout"],
      ["reclaim", "before-rollout"],
      ["apply", "rollout"],
      ["rollout", "rollout"],
      ["canary", "rollout"],
      ["verify", "rollout"],
      ["prune", "rollout"],
      ["record", "rollout"],
    ]);
  });

  it("a new service with migrations and verification: everything but gate, audit index and prune", () => {
    const mail = serviceNamed("mail");
    expect(names(planOf("mail", []), mail)).toEqual([
      "check-migrations",
      "migrate",
      "apply",
      "rollout",
      "verify",
      "record",
    ]);
  });

  it("a service without verification or a gate: no verify, no gate", () => {
    const auth = serviceNamed("auth");
    expect(names(planOf("auth", []), auth)).toEqual([
      "check-migrations",
      "migrate",
      "apply",
      "rollout",
      "record",
    ]);
  });

  it("the gate runs first once the plan carries one", () => {
    const mail = serviceNamed("mail");
    const plan = {
      ...planOf("mail", []),
      gate: { service: "mail", version: "0.9.2", image: "mail", checks: [] },
    };
    expect(names(plan, mail)[0]).toBe("gate");
  });

  it("an unchanged, recorded service needs no step at all", () => {
    const mail = serviceNamed("mail");
    const plan = planOf("mail", []);
    const unchanged = planOf("mail", plan.rendered, plan.objectsHash);
    expect(unchanged.changed).toBe(false);
    expect(names(unchanged, mail)).toEqual([]);
  });

  it("objects that match but no release records them: no apply, still rollout and record", () => {
    const mail = serviceNamed("mail");
    const plan = planOf("mail", []);
    const unrecorded = planOf("mail", plan.rendered);
    expect(unrecorded.changed).toBe(true);
    const steps = names(unrecorded, mail);
    expect(steps).not.toContain("apply");
    expect(steps).toEqual(expect.arrayContaining(["rollout", "verify", "record"]));
  });

  it("prune only when the service has objects it no longer defines", () => {
    const mail = serviceNamed("mail");
    const stale: KubernetesObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "mail-old", labels: { "app.kubernetes.io/name": "mail" } },
    };
    expect(names(planOf("mail", [stale]), mail)).toContain("prune");
    expect(names(planOf("mail", []), mail)).not.toContain("prune");
  });

  it("an audit index change alone runs the audit-index step, even for unchanged objects", () => {
    const files = serviceNamed("files");
    const base = planOf("files", []);
    const unchanged = planOf("files", base.rendered, base.objectsHash);
    const roll = {
      ...unchanged,
      audit: [
        { ...({} as ServicePlan["audit"][number]), call: "files.browse", change: "roll-over" as const },
      ],
    };
    expect(names(roll, files)).toEqual(["audit-index"]);
    expect(stepsFor({ plan: roll, service: files }).every((s) => s.evenWhenUnchanged)).toBe(true);
  });

  it("the plan lists exactly the steps the runner will run, described by the steps themselves", () => {
    const plan = buildPlan({ project, env: env(), only: [], live: new Map() });
    const steps = planSteps(plan, project.services.get(plan.environment) ?? []);
    for (const s of plan.services) {
      const service = serviceNamed(s.service);
      expect(steps.filter((p) => p.service === s.service)).toEqual(
        stepsFor({ plan: s, service }).map((step) => ({
          service: s.service,
          step: step.name,
          description: step.describe({ plan: s, service }),
        })),
      );
    }
    expect(steps.find((p) => p.service === "mail" && p.step === "verify")?.description).toBe(
      "verify the new version: run Job(s) smoke and wait for them to succeed",
    );
  });
});

describe("a canary in the plan's steps", () => {
  const withCanary = (service: ServiceModel): ServiceModel => ({
    ...service,
    spec: {
      ...service.spec,
      rollout: {
        canary: { steps: [{ weight: 25 }, { analysis: "5m" }, { pause: "manual" }, { weight: 100 }] },
      },
    },
  });
  /** Mail as it runs now at another version: the live Deployment says 0.9.1. */
  const running = (version: string): KubernetesObject[] =>
    planOf("mail", []).rendered.map((o) =>
      o.kind === "Deployment"
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              annotations: { ...o.metadata?.annotations, "slipway.dev/version": version },
            },
          }
        : o,
    );

  it("replaces the rollout and the verification when another version runs", () => {
    const mail = withCanary(serviceNamed("mail"));
    const plan = planOf("mail", running("0.9.1"));
    const rollout = rolloutPlan(mail, env(), plan.rendered, "0.9.1");
    expect(rollout).toMatchObject({ kind: "canary", stableVersion: "0.9.1", replicas: 1 });
    const canaryPlan = { ...plan, rollout };
    expect(names(canaryPlan, mail)).not.toContain("rollout");
    expect(names(canaryPlan, mail)).not.toContain("verify");
    expect(names(canaryPlan, mail)).toContain("canary");
    const canary = stepsFor({ plan: canaryPlan, service: mail }).find((s) => s.name === "canary");
    expect(canary?.describe({ plan: canaryPlan, service: mail })).toBe(
      "canary 0.9.2 against 0.9.1: weight 25% (1 canary, 1 stable pods) → analysis 5m → pause for a person → weight 100% (the stable Deployment gets 0.9.2); verification Jobs against the canary after its first weight",
    );
    // Only the Deployment differs from what runs: it goes out as the canary, nothing is applied.
    expect(names(canaryPlan, mail)).not.toContain("apply");
    const withConfig = { ...planOf("mail", []), rollout };
    const apply = stepsFor({ plan: withConfig, service: mail }).find((s) => s.name === "apply");
    expect(apply?.describe({ plan: withConfig, service: mail })).toMatch(
      /^apply \d+ object\(s\) .*; the Deployment's new version goes out as the canary$/,
    );
  });

  it("is a plain rollout, saying why, on a first deploy, for the same version, or where forbidden", () => {
    const mail = withCanary(serviceNamed("mail"));
    const rendered = planOf("mail", []).rendered;
    expect(rolloutPlan(mail, env(), rendered, undefined)).toEqual({
      kind: "rolling",
      reason: "nothing runs yet",
    });
    expect(rolloutPlan(mail, env(), rendered, "0.9.2")).toEqual({
      kind: "rolling",
      reason: "same version runs",
    });
    const forbidding = { ...env(), rollout: { canary: "forbid" as const } };
    expect(rolloutPlan(mail, forbidding, rendered, "0.9.1")).toEqual({
      kind: "rolling",
      reason: "forbidden here",
    });
  });
});
