import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api, KubeConfig, type V1Job } from "@kubernetes/client-node";
import { failPodLabel, kwokNodeNames } from "../../platform/src/parts/kwok.ts";
import { mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import { httpGet } from "../../platform/src/process/http-probe.ts";
import { readFileSync } from "node:fs";
import {
  eventually,
  kube,
  platform,
  runWebDeployment,
  smokeImage as image,
  withNamespace,
} from "../support/platform.ts";

function job(name: string, labels: Record<string, string> = {}): V1Job {
  return {
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: { restartPolicy: "Never", containers: [{ name: "main", image }] },
      },
    },
  };
}

describe("local Kubernetes control plane", () => {
  let ns: Awaited<ReturnType<typeof withNamespace>>;
  beforeAll(async () => {
    ns = await withNamespace("smoke-kube");
  });
  afterAll(async () => ns?.remove());

  it("runs at least two Ready simulated nodes", async () => {
    const nodes = await kube.core().listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    expect(ready.map((n) => n.metadata?.name).sort()).toEqual(expect.arrayContaining([...kwokNodeNames]));
  });

  it("makes a Deployment Available with all its pods Ready", async () => {
    const deployment = await runWebDeployment(kube.apps(), ns.name, "deployment web to become Available");
    expect(deployment.status?.availableReplicas).toBe(2);
    const pods = await kube.core().listNamespacedPod({ namespace: ns.name, labelSelector: "app=web" });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toMatch(/^slipway-node-/);
      expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    }
  });

  it("runs a Job to completion", async () => {
    await kube.batch().createNamespacedJob({ namespace: ns.name, body: job("migrate") });
    const done = await eventually(
      () => kube.batch().readNamespacedJob({ namespace: ns.name, name: "migrate" }),
      (j) =>
        (j.status?.conditions ?? []).some(
          (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
        ),
      "job migrate to finish",
    );
    expect(done.status?.conditions?.map((c) => c.type)).toContain("Complete");
    expect(done.status?.succeeded).toBe(1);
  });

  it("fails a Job whose pod carries the fault label", async () => {
    await kube
      .batch()
      .createNamespacedJob({ namespace: ns.name, body: job("doomed", { [failPodLabel]: "true" }) });
    const done = await eventually(
      () => kube.batch().readNamespacedJob({ namespace: ns.name, name: "doomed" }),
      (j) =>
        (j.status?.conditions ?? []).some(
          (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
        ),
      "job doomed to finish",
    );
    expect(done.status?.conditions?.find((c) => c.type === "Failed")?.status).toBe("True");
    expect(done.status?.succeeded ?? 0).toBe(0);
  });

  it("refuses anonymous requests (token auth and RBAC are on)", async () => {
    const res = await httpGet(`${platform.apiserver}/api/v1/namespaces`, {
      ca: readFileSync(platform.caCert),
    });
    expect(res.status).toBe(401);
  });

  it("mints a ServiceAccount token that may act in its namespace only", async () => {
    const minted = await mintNamespaceToken({ namespace: ns.name, serviceAccount: "deployer" });
    const kc = new KubeConfig();
    kc.loadFromString(minted.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: "allowed" }, data: { a: "1" } },
    });
    expect(created.metadata?.name).toBe("allowed");
    await expect(core.listNamespacedConfigMap({ namespace: "kube-system" })).rejects.toMatchObject({
      code: 403,
    });
    await expect(core.listNode()).rejects.toMatchObject({ code: 403 });
  });
});
