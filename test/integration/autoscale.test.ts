// A Deployment handed to an autoscaler: Slipway stops applying its replica count, and neither
// that hand-over nor any later deploy resets the count the autoscaler chose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeRequest } from "../../src/clients/kubernetes/request.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";

const project = isolatedExample("autoscale", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "90s"];

afterAll(() => removeExample(project.namespace));

const mail = () => kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" });
const slipwayOwnsReplicas = async (): Promise<boolean> =>
  ((await mail()).metadata?.managedFields ?? []).some(
    (f) => f.manager === "slipway" && JSON.stringify(f.fieldsV1 ?? {}).includes('"f:replicas"'),
  );

describe("a Deployment whose replicas an autoscaler owns", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    project.edit(
      "services/mail/service.ts",
      'port: 8080,\n    database: "mail",',
      'port: 8080,\n    replicas: 3,\n    database: "mail",',
    );
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
    expect((await mail()).spec?.replicas).toBe(3);
    expect(await slipwayOwnsReplicas()).toBe(true);
  });

  it("keeps the live count when autoscale is added, and renders the autoscaler and the budget", async () => {
    project.edit(
      "services/mail/service.ts",
      "replicas: 3,",
      "autoscale: { minReplicas: 2, maxReplicas: 5, cpu: 80 },\n    disruptionBudget: { minAvailable: 1 },",
    );
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
    const live = await mail();
    // Without the hand-over the apply would drop the field and the count fall to 1.
    expect(live.spec?.replicas).toBe(3);
    expect(await slipwayOwnsReplicas()).toBe(false);
    const hpa = await cluster.get("HorizontalPodAutoscaler", "mail", project.namespace);
    expect(hpa).toMatchObject({
      spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "mail" } },
    });
    const pdb = await cluster.get("PodDisruptionBudget", "mail", project.namespace);
    expect(pdb).toMatchObject({ spec: { minAvailable: 1 } });
  });

  it("leaves the count the autoscaler set through a later deploy, and plans no change to it", async () => {
    // What the autoscaler does: write the scale subresource.
    await kubeRequest(cluster.kubeConfig, {
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${project.namespace}/deployments/mail/scale`,
      query: { fieldManager: "horizontal-pod-autoscaler" },
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 4 } },
    });
    const plan = await slipway(project.config, "plan", "mail", "--env", "dev", "--detailed-exitcode");
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    project.edit("services/mail/service.ts", 'version: "0.9.3"', 'version: "0.9.4"');
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
    expect((await mail()).spec?.replicas).toBe(4);
    expect((await mail()).metadata?.annotations?.["slipway.dev/version"]).toBe("0.9.4");
  });
});
