import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { CoreV1Api, KubeConfig, VersionApi } from "@kubernetes/client-node";
import { rancherPlane } from "../../platform/src/parts/control-plane.ts";
import { kwokNodeNames } from "../../platform/src/parts/kwok.ts";
import { status } from "../../platform/src/platform.ts";
import { httpGet } from "../../platform/src/process/http-probe.ts";
import { mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import { adminKube, kubeAt, platform, runWebDeployment, uniqueName } from "../support/platform.ts";

const core = (context: string): CoreV1Api => kubeAt(context).core();

const namespaceExists = async (context: string, name: string): Promise<boolean> =>
  core(context)
    .readNamespace({ name })
    .then(
      () => true,
      (error: unknown) => {
        if ((error as { code?: number }).code === 404) return false;
        throw error;
      },
    );

describe("a second, independent Kubernetes cluster (context rancher)", () => {
  const created: { context: string; name: string }[] = [];
  const createNamespace = async (context: string, prefix: string): Promise<string> => {
    const name = uniqueName(prefix);
    await core(context).createNamespace({ body: { metadata: { name } } });
    created.push({ context, name });
    return name;
  };
  let rancherNs: string;
  beforeAll(async () => {
    rancherNs = await createNamespace("rancher", "second-cluster");
  });
  afterAll(async () => {
    for (const { context, name } of created)
      await core(context)
        .deleteNamespace({ name })
        .catch(() => undefined);
  });

  it("is listed by the platform: contexts local, k3s and rancher, and its parts are up", async () => {
    expect(platform.clusters.local.server).toBe(platform.apiserver);
    expect(platform.clusters.k3s).toEqual({ ...platform.clusters.local, context: "k3s" });
    expect(platform.clusters.rancher.server).toBe(rancherPlane.apiserverUrl);
    expect(platform.clusters.rancher.server).not.toBe(platform.apiserver);
    const rows = await status();
    const rancherParts = rows.filter((r) => r.name.startsWith("rancher/"));
    expect(rancherParts.map((r) => [r.name, r.state])).toEqual(
      ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"].map((p) => [
        `rancher/${p}`,
        "up",
      ]),
    );
  });

  it("answers on every context, the same Kubernetes behind two different servers", async () => {
    for (const context of ["local", "k3s", "rancher"]) {
      const version = await adminKube(context).makeApiClient(VersionApi).getCode();
      expect(version.gitVersion, context).toMatch(/^v1\.36\./);
    }
    expect(adminKube("k3s").getCurrentCluster()?.server).toBe(platform.apiserver);
    expect(adminKube("rancher").getCurrentCluster()?.server).toBe(platform.clusters.rancher.server);
  });

  it("is a different cluster: its own kube-system, and namespaces do not cross", async () => {
    const [localSystem, k3sSystem, rancherSystem] = await Promise.all(
      ["local", "k3s", "rancher"].map((context) => core(context).readNamespace({ name: "kube-system" })),
    );
    expect(k3sSystem?.metadata?.uid).toBe(localSystem?.metadata?.uid);
    expect(rancherSystem?.metadata?.uid).not.toBe(localSystem?.metadata?.uid);

    expect(await namespaceExists("rancher", rancherNs)).toBe(true);
    expect(await namespaceExists("local", rancherNs)).toBe(false);
    const localNs = await createNamespace("local", "first-cluster");
    expect(await namespaceExists("k3s", localNs)).toBe(true);
    expect(await namespaceExists("rancher", localNs)).toBe(false);
  });

  it("has its own admin token and CA: the first cluster's admin token is refused there", async () => {
    const users = adminKube("local").getUsers();
    const tokenOf = (context: string): string | undefined => {
      const user = adminKube("local").getContextObject(context)?.user;
      return users.find((u) => u.name === user)?.token;
    };
    expect(tokenOf("rancher")).toBeTruthy();
    expect(tokenOf("rancher")).not.toBe(tokenOf("local"));
    expect(tokenOf("k3s")).toBe(tokenOf("local"));
    const rancherCa = readFileSync(platform.clusters.rancher.caCert);
    expect(rancherCa.equals(readFileSync(platform.caCert))).toBe(false);
    const withLocalToken = await httpGet(`${platform.clusters.rancher.server}/api/v1/namespaces`, {
      ca: rancherCa,
      bearer: tokenOf("local") ?? "",
    });
    expect(withLocalToken.status).toBe(401);
    const withItsToken = await httpGet(`${platform.clusters.rancher.server}/api/v1/namespaces`, {
      ca: rancherCa,
      bearer: tokenOf("rancher") ?? "",
    });
    expect(withItsToken.status).toBe(200);
  });

  it("runs its own Ready simulated nodes, none of the first cluster's", async () => {
    const nodes = await core("rancher").listNode();
    const ready = nodes.items
      .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      .map((n) => n.metadata?.name);
    expect(ready.sort()).toEqual([...rancherPlane.nodeNames]);
    for (const name of kwokNodeNames) expect(ready).not.toContain(name);
  });

  it("makes a Deployment Available on its nodes", async () => {
    const deployment = await runWebDeployment(
      kubeAt("rancher").apps(),
      rancherNs,
      "deployment web to become Available on the rancher cluster",
    );
    expect(deployment.status?.availableReplicas).toBe(2);
    const pods = await core("rancher").listNamespacedPod({ namespace: rancherNs, labelSelector: "app=web" });
    expect(pods.items.map((p) => p.spec?.nodeName)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^rancher-node-/)]),
    );
    for (const pod of pods.items) expect(pod.spec?.nodeName).toMatch(/^rancher-node-/);
  });

  it("mints a namespace token on it that the first cluster does not know", async () => {
    const minted = await mintNamespaceToken({
      namespace: rancherNs,
      serviceAccount: "deployer",
      context: "rancher",
    });
    const kc = new KubeConfig();
    kc.loadFromString(minted.kubeconfig);
    expect(kc.getCurrentCluster()?.server).toBe(platform.clusters.rancher.server);
    const scoped = kc.makeApiClient(CoreV1Api);
    const cm = await scoped.createNamespacedConfigMap({
      namespace: rancherNs,
      body: { metadata: { name: "allowed" }, data: { a: "1" } },
    });
    expect(cm.metadata?.name).toBe("allowed");
    await expect(scoped.listNamespacedConfigMap({ namespace: "kube-system" })).rejects.toMatchObject({
      code: 403,
    });
    const onFirst = await httpGet(`${platform.apiserver}/api/v1/namespaces/${rancherNs}/configmaps`, {
      ca: readFileSync(platform.caCert),
      bearer: minted.token,
    });
    expect(onFirst.status).toBe(401);
  });
});
