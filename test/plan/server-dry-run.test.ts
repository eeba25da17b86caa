import { beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../../src/clients/kubernetes/request.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { blockedBecause, formatPlan, plain } from "../../src/output/plan.ts";
import { withSteps, type ListedPlan } from "../../src/procedure/plan-steps.ts";
import { objectKey } from "../../src/plan/live-state.ts";
import { buildPlan, type Plan } from "../../src/plan/plan.ts";
import {
  dryRunApplies,
  dryRunBlocks,
  parseApplyConflicts,
  type ServerDryRun,
} from "../../src/plan/server-dry-run.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { exampleConfig } from "../support/project.ts";

// The API server's answers (kube-apiserver 1.36.3 of the local platform) to a server-side apply
// dry run by "slipway" after `kubectl set env`, `kubectl scale` and an apply by "hand-edit".
const env = (name: string) => `.spec.template.spec.containers[name="auth"].env[name="${name}"].value`;
const image = '.spec.template.spec.containers[name="auth"].image';
const answers = {
  single: `Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: ${env("LOG_LEVEL")}`,
  twoFields: `Apply failed with 2 conflicts: conflicts with "kubectl-set" using apps/v1:\n- ${env("LOG_LEVEL")}\n- ${env("MODE")}`,
  managers:
    `Apply failed with 4 conflicts: conflicts with "hand-edit":\n- ${image}\n` +
    `conflicts with "kubectl" with subresource "scale" using apps/v1:\n- .spec.replicas\n` +
    `conflicts with "kubectl-set" using apps/v1:\n- ${env("LOG_LEVEL")}\n- ${env("MODE")}`,
  appliedByHand: 'Apply failed with 1 conflict: conflict with "hand-edit": .spec.replicas',
  invalid:
    'Deployment.apps "auth" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  forbidden:
    'deployments.apps "auth" is forbidden: User "system:serviceaccount:team-a:slipway-deployer" cannot patch resource "deployments" in API group "apps" in the namespace "team-a"',
};

describe("parseApplyConflicts", () => {
  it("reads one conflict: the manager, the API version it updated with, the field", () => {
    expect(parseApplyConflicts(answers.single)).toEqual([
      { manager: "kubectl-set", apiVersion: "apps/v1", fields: [env("LOG_LEVEL")] },
    ]);
  });

  it("reads several fields of one manager", () => {
    expect(parseApplyConflicts(answers.twoFields)).toEqual([
      { manager: "kubectl-set", apiVersion: "apps/v1", fields: [env("LOG_LEVEL"), env("MODE")] },
    ]);
  });

  it("reads several managers: an applier, a subresource, an updater", () => {
    expect(parseApplyConflicts(answers.managers)).toEqual([
      { manager: "hand-edit", fields: [image] },
      { manager: "kubectl", subresource: "scale", apiVersion: "apps/v1", fields: [".spec.replicas"] },
      { manager: "kubectl-set", apiVersion: "apps/v1", fields: [env("LOG_LEVEL"), env("MODE")] },
    ]);
    expect(parseApplyConflicts(answers.appliedByHand)).toEqual([
      { manager: "hand-edit", fields: [".spec.replicas"] },
    ]);
  });

  it("reads an update's time when the server prints one", () => {
    expect(
      parseApplyConflicts(
        `Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1 at 2026-12-02T05:39:27Z: ${image}`,
      ),
    ).toEqual([{ manager: "kubectl-edit", apiVersion: "apps/v1", fields: [image] }]);
  });

  it("is undefined for anything else", () => {
    expect(parseApplyConflicts(answers.invalid)).toBeUndefined();
    expect(parseApplyConflicts(answers.forbidden)).toBeUndefined();
    expect(
      parseApplyConflicts(
        'Operation cannot be fulfilled on deployments.apps "auth": the object has been modified',
      ),
    ).toBeUndefined();
  });
});

/** A cluster whose apply answers as the real server did: in turn, per (force) call. */
function answering(answer: (force: boolean) => KubernetesApiError | undefined): {
  cluster: Cluster;
  calls: boolean[];
} {
  const calls: boolean[] = [];
  const apply = (object: KubernetesObject, options: { force?: boolean; dryRun?: boolean }) => {
    if (!options.dryRun) throw new Error("not a dry run");
    calls.push(options.force === true);
    const error = answer(options.force === true);
    return error ? Promise.reject(error) : Promise.resolve(object);
  };
  return { cluster: { apply } as unknown as Cluster, calls };
}

const conflict = new KubernetesApiError(409, "Conflict", answers.single, "");

let project: ProjectModel;

/** The plan as `plan` shows it: with the steps the procedure lists for it. */
const listed = (p: Plan): ListedPlan => withSteps(p, project.services.get(p.environment) ?? []);
let plan: Plan;
beforeAll(async () => {
  project = await loadProject(exampleConfig);
  const environment = project.environments[0]!;
  // auth's Deployment live with LOG_LEVEL changed by hand, everything else as rendered.
  const objects = renderEnvironment(project, environment.name);
  const live = new Map(objects.map((o) => [objectKey(o), structuredClone(o)]));
  const deployment = live.get("Deployment/auth") as KubernetesObject & {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
  };
  const logLevel = deployment.spec.template.spec.containers[0]!.env.find((e) => e.name === "LOG_LEVEL")!;
  logLevel.value = "by-hand";
  plan = buildPlan({ project, env: environment, only: [], live });
});

const withDryRun = (dryRuns: ReadonlyMap<string, ServerDryRun>): Plan => {
  const services = plan.services.map((s) => {
    const dryRun = dryRuns.get(s.service);
    return dryRun?.objects ? { ...s, dryRun } : s;
  });
  return { ...plan, services, blocked: dryRunBlocks(services) };
};

describe("dryRunApplies", () => {
  it("dry-runs only the objects to update; a conflict blocks, and the plan names manager, field and fix", async () => {
    const { cluster, calls } = answering((force) => (force ? undefined : conflict));
    const { byService: dryRuns } = await dryRunApplies(cluster, plan.services, { force: false });
    // auth's Deployment is the only update; creates are never dry-run.
    expect(calls).toEqual([false, true]);
    expect(dryRuns.get("auth")).toEqual({
      objects: 1,
      forced: false,
      findings: [
        {
          kind: "Deployment",
          name: "auth",
          outcome: "conflict",
          conflicts: [{ manager: "kubectl-set", apiVersion: "apps/v1", fields: [env("LOG_LEVEL")] }],
        },
      ],
    });
    const blocked = withDryRun(dryRuns);
    expect(blocked.blocked).toBe(true);
    const text = formatPlan(listed(blocked), plain);
    expect(text).toContain(
      [
        "  ~ Deployment/auth  (update)",
        '      spec.template.spec.containers[0].env[2].value: "by-hand" → "debug"',
        `      ✗ conflict with field manager "kubectl-set" (apps/v1), which owns: ${env("LOG_LEVEL")}`,
        "        the apply would fail on these fields: deploy with --force-conflicts to take them over, or put the change in the definition (`slipway drift` shows what was changed by hand)",
      ].join("\n"),
    );
    expect(blockedBecause(blocked)).toEqual([
      'the apply would conflict with field manager(s) "kubectl-set" on 1 field(s) of Deployment/auth (--force-conflicts takes them over)',
    ]);
    expect(text).toContain('BLOCKED: the apply would conflict with field manager(s) "kubectl-set"');
  });

  it("with force, says it takes the fields over, and does not block", async () => {
    const { cluster, calls } = answering((force) => (force ? undefined : conflict));
    const forced = withDryRun((await dryRunApplies(cluster, plan.services, { force: true })).byService);
    expect(calls).toEqual([false, true]);
    expect(forced.blocked).toBe(false);
    expect(forced.services.find((s) => s.service === "auth")?.dryRun?.findings[0]?.outcome).toBe(
      "takes-over",
    );
    expect(formatPlan(listed(forced), plain)).toContain(
      `      ! takes over from field manager "kubectl-set" (apps/v1) (--force-conflicts): ${env("LOG_LEVEL")}`,
    );
  });

  it("shows a refusal the conflict hid (the server checks conflicts before it validates)", async () => {
    const { cluster } = answering((force) =>
      force ? new KubernetesApiError(422, "Invalid", answers.invalid, "") : conflict,
    );
    const refused = withDryRun((await dryRunApplies(cluster, plan.services, { force: true })).byService);
    expect(refused.blocked).toBe(true);
    expect(refused.services.find((s) => s.service === "auth")?.dryRun?.findings[0]).toMatchObject({
      outcome: "refused",
      refusal: { status: 422, reason: "Invalid", message: answers.invalid },
    });
    expect(formatPlan(listed(refused), plain)).toContain(
      `      ✗ the server refuses this apply (422 Invalid): ${answers.invalid}`,
    );
    expect(blockedBecause(refused)).toEqual([
      "the server refuses the apply of Deployment/auth (422 Invalid)",
    ]);
  });

  it("shows a forbidden apply with the way to the Role it needs", async () => {
    const { cluster, calls } = answering(
      () => new KubernetesApiError(403, "Forbidden", answers.forbidden, ""),
    );
    const forbidden = withDryRun((await dryRunApplies(cluster, plan.services, { force: false })).byService);
    expect(calls).toEqual([false]);
    expect(forbidden.blocked).toBe(true);
    expect(formatPlan(listed(forbidden), plain)).toContain(
      [
        `      ✗ the server refuses this apply (403 Forbidden): ${answers.forbidden}`,
        "        the deploy identity may not do this; `slipway rbac` prints the Role it needs",
      ].join("\n"),
    );
  });

  it("fails the plan on an answer that says nothing about the object", async () => {
    const { cluster } = answering(() => new KubernetesApiError(503, "ServiceUnavailable", "etcd", ""));
    await expect(dryRunApplies(cluster, plan.services, { force: false })).rejects.toThrow("etcd");
  });
});
