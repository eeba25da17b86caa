// A Deployment handed to an autoscaler: Slipway stops applying its replica count, and neither
// that hand-over nor any later deploy resets the count the autoscaler chose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeRequest } from "../../src/clients/kubernetes/request.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("autoscale", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "90s"];

afterAll(() => removeExample(project.namespace));

const mail = () => kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" });
/** What the autoscaler (or `kubectl scale`) does: write the scale subresource. */
const scaleMail = (replicas: number) =>
  kubeRequest(cluster.kubeConfig, {
    method: "PATCH",
    path: `/apis/apps/v1/namespaces/${project.namespace}/deployments/mail/scale`,
    query: { fieldManager: "horizontal-pod-autoscaler" },
    contentType: "application/merge-patch+json",
    body: { spec: { replicas } },
  });
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
    await scaleMail(4);
    const plan = await slipway(project.config, "plan", "mail", "--env", "dev", "--detailed-exitcode");
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    project.edit("services/mail/service.ts", 'version: "0.9.3"', 'version: "0.9.4"');
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
    expect((await mail()).spec?.replicas).toBe(4);
    expect((await mail()).metadata?.annotations?.["slipway.dev/version"]).toBe("0.9.4");
  });

  // The plan reads the live Deployment before the deploy takes the lock, and a deploy may wait
  // for the lock and run migrations first: minutes in which an autoscaler changes the count. So
  // the hand-over reads the Deployment again at the apply; with the plan's count it would set
  // the count back to what the plan read.
  it("hands over the count live at the apply, not the one its plan read before the lock", async () => {
    const autoscale =
      "autoscale: { minReplicas: 2, maxReplicas: 5, cpu: 80 },\n    disruptionBudget: { minAvailable: 1 },";
    project.edit("services/mail/service.ts", autoscale, "replicas: 3,");
    project.edit("services/mail/service.ts", 'version: "0.9.4"', 'version: "0.9.5"');
    // A fixed count again: Slipway takes the field back from the autoscaler's manager.
    const fixed = await slipway(project.config, ...deploy, "--force-conflicts");
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(await slipwayOwnsReplicas()).toBe(true);

    project.edit("services/mail/service.ts", "replicas: 3,", autoscale);
    project.edit("services/mail/service.ts", 'version: "0.9.5"', 'version: "0.9.6"');
    await publishDefinedVersions(project.config);
    const other = new DeployLock(cluster, project.namespace);
    await other.acquire();
    const waiting = startSlipway(project.config, ...deploy, "--wait-for-lock");
    try {
      await waiting.until(/waiting for the lock/);
      // Planned with 3 replicas; the count changes while the deploy waits.
      await scaleMail(5);
    } finally {
      await other.release();
    }
    expect(await waiting.exited, waiting.stderr()).toBe(0);
    expect((await mail()).spec?.replicas).toBe(5);
    expect(await slipwayOwnsReplicas()).toBe(false);
  });
});
