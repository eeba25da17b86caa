import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import { applyObject } from "../../src/clients/kubernetes/apply.ts";
import { KubernetesApiError } from "../../src/clients/kubernetes/request.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { renderAdHocJob, renderMigrationJob } from "../../src/render/workloads.ts";
import { adminKube, kube } from "../support/platform.ts";
import { isolatedExample } from "../support/deploy-project.ts";
import { escapeHatchService, gatewayService, workerService } from "../support/feature-services.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

const example = isolatedExample("dryrun", { node: "simulated" });

let project: ProjectModel;

beforeAll(async () => {
  project = await loadProject(example.config);
  for (const env of project.environments) {
    await kube
      .core()
      .createNamespace({ body: { metadata: { name: env.cluster.namespace } } })
      .catch((e: { code?: number }) => {
        if (e.code !== 409) throw e;
      });
  }
});

async function dryRunAll(objects: readonly KubernetesObject[]): Promise<string[]> {
  const kc = adminKube();
  const refused: string[] = [];
  for (const object of objects) {
    try {
      await applyObject(kc, object, { dryRun: true });
    } catch (error) {
      refused.push(`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return refused;
}

afterAll(async () => {
  removeScratchMadeHere();
  for (const env of project?.environments ?? [])
    await kube
      .core()
      .deleteNamespace({ name: env.cluster.namespace })
      .catch(() => undefined);
});

describe("every object rendered from the example platform", () => {
  for (const env of ["dev", "prod"]) {
    it(`is accepted by the real API server in a server-side dry run (${env})`, async () => {
      const objects = renderEnvironment(project, env);
      const model = project.environments.find((e) => e.name === env);
      const services = project.services.get(env) ?? [];
      const jobs = services.flatMap((service) => {
        const ctx = { project: project.name, env: model!, service };
        return [
          ...Object.keys(service.spec.jobs ?? {}).map((job) => renderAdHocJob(ctx, job, "dryrun")),
          ...(service.spec.migrations?.mode === "job" ? [renderMigrationJob(ctx, "dryrun")] : []),
        ];
      });
      expect(objects.length + jobs.length).toBeGreaterThan(25);
      expect(await dryRunAll([...objects, ...jobs])).toEqual([]);
    });
  }

  it("and the dry run does refuse what the server would refuse", async () => {
    const [deployment] = renderEnvironment(project, "dev", ["mail"]).filter((o) => o.kind === "Deployment");
    const broken = structuredClone(deployment) as KubernetesObject & {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    broken.spec.selector.matchLabels = { "app.kubernetes.io/name": "someone-else" };
    const error = await applyObject(adminKube(), broken, { dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect((error as KubernetesApiError).status).toBe(422);
    expect((error as KubernetesApiError).message).toMatch(/selector`? does not match template `?labels/);
  });

  it("accepts the fuller definition forms too: ingress rules, Service ports, pod features, PDB, HPA", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig.replace(
        'namespace: "demo-dev"',
        `namespace: "${example.namespace}"`,
      ),
      "services/gw/service.ts": service(gatewayService),
      "services/worker/service.ts": service(workerService),
    });
    const fuller = await loadProject(p.config);
    const objects = renderEnvironment(fuller, "dev");
    const env = fuller.environments[0];
    const worker = fuller.services.get("dev")?.find((s) => s.spec.name === "worker");
    if (!env || !worker) throw new Error("the worker did not load");
    const job = renderAdHocJob({ project: fuller.name, env, service: worker }, "rebuild", "r1");
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(["Ingress", "PodDisruptionBudget", "HorizontalPodAutoscaler", "CronJob"]),
    );
    expect(await dryRunAll([...objects, job])).toEqual([]);
  });

  it("accepts patched and raw objects (the escape hatch), and strict validation refuses a patch's unknown field", async () => {
    const config = minimalConfig.replace('namespace: "demo-dev"', `namespace: "${example.namespace}"`);
    const hatch = await loadProject(
      scratchProject({
        "slipway.config.ts": config,
        "services/indexer/service.ts": service(escapeHatchService),
      }).config,
    );
    const objects = renderEnvironment(hatch, "dev");
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(["StatefulSet", "ConfigMap"]));
    expect(await dryRunAll(objects)).toEqual([]);

    const typo = await loadProject(
      scratchProject({
        "slipway.config.ts": config,
        "services/indexer/service.ts": service(
          escapeHatchService.replace('hostname: "indexer"', 'hostname: "indexer", hostNetworking: true'),
        ),
      }).config,
    );
    const refused = await dryRunAll(renderEnvironment(typo, "dev"));
    expect(refused).toEqual([
      expect.stringMatching(
        /^Deployment\/indexer: .*\.spec\.template\.spec\.hostNetworking: field not declared in schema/,
      ),
    ]);
  });

  it("stores nothing", async () => {
    const deployments = await kube.apps().listNamespacedDeployment({ namespace: example.namespace });
    expect(deployments.items).toEqual([]);
  });
});
