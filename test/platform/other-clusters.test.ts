import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { CoreV1Api, KubeConfig, VersionApi } from "@kubernetes/client-node";
import { controlPlanes, edgePlane, rancherPlane } from "../../platform/src/parts/control-plane.ts";
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

describe.each([rancherPlane, edgePlane])("another independent Kubernetes cluster: $name", (plane) => {
  const ctx = plane.name;
  const server = platform.clusters[ctx].server;
  const created: { context: string; name: string }[] = [];
  const createNamespace = async (context: string, prefix: string): Promise<string> => {
    const name = uniqueName(prefix);
    await core(context).createNamespace({ body: { metadata: { name } } });
    created.push({ context, name });
    return name;
  };
  let otherNs: string;
  beforeAll(async () => {
    otherNs = await createNamespace(ctx, `${ctx}-cluster`);
  });
  afterAll(async () => {
    for (const { context, name } of created)
      await core(context)
        .deleteNamespace({ name })
        .catch(() => undefined);
  });

  it("is listed by the platform beside contexts local and k3s, and its parts are up", async () => {
    expect(platform.clusters.local.server).toBe(platform.apiserver);
    expect(platform.clusters.k3s).toEqual({ ...platform.clusters.local, context: "k3s" });
    expect(server).toBe(plane.apiserverUrl);
    const servers = controlPlanes.map((p) => platform.clusters[p.name].server);
    expect(new Set(servers).size).toBe(controlPlanes.length);
    const rows = await status();
    const parts = rows.filter((r) => r.name.startsWith(`${ctx}/`));
    expect(parts.map((r) => [r.name, r.state])).toEqual(
      ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"].map((p) => [
        `${ctx}/${p}`,
        "up",
      ]),
    );
  });

  it("answers on every context, the same Kubernetes behind different servers", async () => {
    for (const context of ["local", "k3s", ctx]) {
      const version = await adminKube(context).makeApiClient(VersionApi).getCode();
      expect(version.gitVersion, context).toMatch(/^v1\.36\./);
    }
    expect(adminKube("k3s").getCurrentCluster()?.server).toBe(platform.apiserver);
    expect(adminKube(ctx).getCurrentCluster()?.server).toBe(server);
  });

  it("is a different cluster: its own kube-system, and namespaces do not cross", async () => {
    const [localSystem, k3sSystem, ...others] = await Promise.all(
      ["local", "k3s", ...controlPlanes.filter((p) => p.name !== "local").map((p) => p.name)].map((context) =>
        core(context).readNamespace({ name: "kube-system" }),
      ),
    );
    expect(k3sSystem?.metadata?.uid).toBe(localSystem?.metadata?.uid);
    const uids = [localSystem, ...others].map((ns) => ns?.metadata?.uid);
    expect(new Set(uids).size).toBe(controlPlanes.length);

    expect(await namespaceExists(ctx, otherNs)).toBe(true);
    for (const p of controlPlanes.filter((p) => p.name !== ctx))
      expect(await namespaceExists(p.name, otherNs), p.name).toBe(false);
    const localNs = await createNamespace("local", "first-cluster");
    expect(await namespaceExists("k3s", localNs)).toBe(true);
    expect(await namespaceExists(ctx, localNs)).toBe(false);
  });

  it("has its own admin token and CA: the first cluster's admin token is refused there", async () => {
    const users = adminKube("local").getUsers();
    const tokenOf = (context: string): string | undefined => {
      const user = adminKube("local").getContextObject(context)?.user;
      return users.find((u) => u.name === user)?.token;
    };
    expect(tokenOf(ctx)).toBeTruthy();
    expect(tokenOf(ctx)).not.toBe(tokenOf("local"));
    expect(tokenOf("k3s")).toBe(tokenOf("local"));
    const itsCa = readFileSync(platform.clusters[ctx].caCert);
    expect(itsCa.equals(readFileSync(platform.caCert))).toBe(false);
    for (const other of controlPlanes.filter((p) => p.name !== ctx)) {
      const refused = await httpGet(`${server}/api/v1/namespaces`, {
        ca: itsCa,
        bearer: tokenOf(other.name) ?? "",
      });
      expect(refused.status, `${other.name}'s admin token on ${ctx}`).toBe(401);
    }
    const withItsToken = await httpGet(`${server}/api/v1/namespaces`, {
      ca: itsCa,
      bearer: tokenOf(ctx) ?? "",
    });
    expect(withItsToken.status).toBe(200);
  });

  it("runs its own Ready simulated nodes, none of the first cluster's", async () => {
    const nodes = await core(ctx).listNode();
    const ready = nodes.items
      .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      .map((n) => n.metadata?.name);
    expect(ready.sort()).toEqual([...plane.nodeNames]);
    for (const name of kwokNodeNames) expect(ready).not.toContain(name);
  });

  it("makes a Deployment Available on its nodes", async () => {
    const deployment = await runWebDeployment(
      kubeAt(ctx).apps(),
      otherNs,
      `deployment web to become Available on the ${ctx} cluster`,
    );
    expect(deployment.status?.availableReplicas).toBe(2);
    const pods = await core(ctx).listNamespacedPod({ namespace: otherNs, labelSelector: "app=web" });
    expect(pods.items.map((p) => p.spec?.nodeName)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${ctx}-node-`))]),
    );
    for (const pod of pods.items) expect(pod.spec?.nodeName).toMatch(new RegExp(`^${ctx}-node-`));
  });

  it("mints a namespace token on it that the first cluster does not know", async () => {
    const minted = await mintNamespaceToken({
      namespace: otherNs,
      serviceAccount: "deployer",
      context: ctx,
    });
    const kc = new KubeConfig();
    kc.loadFromString(minted.kubeconfig);
    expect(kc.getCurrentCluster()?.server).toBe(server);
    const scoped = kc.makeApiClient(CoreV1Api);
    const cm = await scoped.createNamespacedConfigMap({
      namespace: otherNs,
      body: { metadata: { name: "allowed" }, data: { a: "1" } },
    });
    expect(cm.metadata?.name).toBe("allowed");
    await expect(scoped.listNamespacedConfigMap({ namespace: "kube-system" })).rejects.toMatchObject({
      code: 403,
    });
    const onFirst = await httpGet(`${platform.apiserver}/api/v1/namespaces/${otherNs}/configmaps`, {
      ca: readFileSync(platform.caCert),
      bearer: minted.token,
    });
    expect(onFirst.status).toBe(401);
  });
});
