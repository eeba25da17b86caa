import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { httpGet } from "../../process/http-probe.ts";
import { partDir } from "../../layout.ts";
import { host, ports, versions } from "../../versions.ts";
import { goBuilt, requireBinaries, type Part, type PartContext } from "../part.ts";
import { kubeProxyKubeconfig, writeNodeKubeconfigs } from "./identity.ts";
import { kubeletPartName } from "./kubelet.ts";
import { realNode } from "./network.ts";
import { removeKubeProxyRules } from "./teardown.ts";

export const kubeProxyPartName = "node/kube-proxy";
const kubeProxyDir = (ctx: Pick<PartContext, "layout">): string => partDir(ctx.layout, kubeProxyPartName);

/**
 * Service routing in nftables mode (this machine has no iptables). Every Service is programmed,
 * those whose endpoints are KWOK's simulated pods too; only the real node's pods answer.
 * Service traffic is masqueraded, so a pod that calls a Service answered by a pod on the same
 * bridge gets its replies back through the host.
 */
function kubeProxyConfiguration(ctx: PartContext): Record<string, unknown> {
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    mode: "nftables",
    clientConnection: { kubeconfig: kubeProxyKubeconfig(ctx) },
    hostnameOverride: realNode.name,
    bindAddress: realNode.address,
    healthzBindAddress: `${host}:${ports.kubeProxyHealthz}`,
    metricsBindAddress: `${host}:${ports.kubeProxyMetrics}`,
    clusterCIDR: realNode.podSubnet,
    nftables: { masqueradeAll: true, syncPeriod: "10s", minSyncPeriod: "0s" },
    // The machine's conntrack settings are not ours to change.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
  };
}

export const kubeProxyPart: Part = {
  name: kubeProxyPartName,
  install: goBuilt("kubernetes"),
  tools: [{ path: "nft", install: "apt-get install nftables (scripts/setup.sh installs it)" }],
  address: `Services on ${realNode.name} (nftables)`,
  ports: [ports.kubeProxyHealthz, ports.kubeProxyMetrics],
  dependsOn: [kubeletPartName],
  startTimeoutMs: 60_000,
  async prepare(ctx) {
    mkdirSync(kubeProxyDir(ctx), { recursive: true });
    writeNodeKubeconfigs(ctx);
    writeFileSync(join(kubeProxyDir(ctx), "config.yaml"), stringify(kubeProxyConfiguration(ctx)));
  },
  launch(ctx) {
    const config = join(kubeProxyDir(ctx), "config.yaml");
    return {
      executable: requireBinaries(ctx).kubeProxy,
      marker: config,
      args: [`--config=${config}`, "--v=1"],
      env: { ...process.env, PATH: `/usr/sbin:/usr/bin:/sbin:/bin` },
    };
  },
  async healthy() {
    const res = await httpGet(`http://${host}:${ports.kubeProxyHealthz}/healthz`, {});
    return res.status === 200;
  },
  afterStop() {
    removeKubeProxyRules();
  },
  async version() {
    return versions.kubernetes;
  },
};
