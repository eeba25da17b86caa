import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { httpGet } from "../../process/http-probe.ts";
import { partDir } from "../../layout.ts";
import { podLogsDir } from "./paths.ts";
import { host, ports, versions } from "../../versions.ts";
import { localPlane, partName } from "../control-plane.ts";
import { planeAdminKubeConfig } from "../kube-identities.ts";
import { goBuilt, requireBinaries, type Part, type PartContext } from "../part.ts";
import { containerdPartName, containerdSocket } from "./containerd.ts";
import { kubeletKubeconfig, writeNodeKubeconfigs } from "./identity.ts";
import { realNode } from "./network.ts";
import { ensurePodCgroups, podCgroupRoot } from "./teardown.ts";

export const kubeletPartName = "node/kubelet";
const kubeletDir = (ctx: Pick<PartContext, "layout">): string => partDir(ctx.layout, kubeletPartName);

/**
 * The kubelet's configuration, fitted to this machine: cgroup v1 (`failCgroupV1: false`,
 * cgroupfs), pods under a cgroup of our own (so `down` finds every container), its API on the
 * node's bridge address and a port KWOK's 127.0.0.1 nodes do not use, clients authenticated by
 * the plane's CA and authorized by the API server, and evictions only in a real emergency.
 */
function kubeletConfiguration(ctx: PartContext): Record<string, unknown> {
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    address: realNode.address,
    port: realNode.kubeletPort,
    readOnlyPort: 0,
    healthzBindAddress: host,
    healthzPort: ports.kubeletHealthz,
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    cgroupRoot: `/${podCgroupRoot}`,
    containerRuntimeEndpoint: `unix://${containerdSocket(ctx)}`,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: ctx.pki.caCert },
    },
    authorization: { mode: "Webhook" },
    clusterDNS: [realNode.address],
    clusterDomain: "cluster.local",
    resolvConf: join(kubeletDir(ctx), "resolv.conf"),
    failSwapOn: false,
    // Its iptables chains (KUBE-FIREWALL, the canaries) would outlive it in this machine's
    // tables; kube-proxy in nftables mode needs none of them.
    makeIPTablesUtilChains: false,
    podLogsDir: podLogsDir(ctx.layout),
    registerWithTaints: [realNode.taint],
    serializeImagePulls: false,
    evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // Probe and status changes reach the API server quickly: tests wait on them.
    nodeStatusUpdateFrequency: "10s",
    syncFrequency: "10s",
    fileCheckFrequency: "10s",
    shutdownGracePeriod: "0s",
    maxPods: 60,
  };
}

/** The real node's kubelet: the control plane's own Kubernetes version, running pods in containerd. */
export const kubeletPart: Part = {
  name: kubeletPartName,
  install: goBuilt("kubernetes"),
  address: `${realNode.name} (${realNode.address}:${realNode.kubeletPort})`,
  ports: [ports.kubeletHealthz],
  dependsOn: [containerdPartName, partName(localPlane, "kube-apiserver")],
  startTimeoutMs: 90_000,
  async prepare(ctx) {
    const dir = kubeletDir(ctx);
    mkdirSync(join(dir, "root"), { recursive: true, mode: 0o700 });
    mkdirSync(podLogsDir(ctx.layout), { recursive: true });
    // Pods resolve cluster names only: this machine has no upstream DNS to forward to.
    writeFileSync(join(dir, "resolv.conf"), `nameserver ${realNode.address}\n`);
    writeFileSync(join(dir, "config.yaml"), stringify(kubeletConfiguration(ctx)));
    writeNodeKubeconfigs(ctx);
    ensurePodCgroups();
  },
  launch(ctx) {
    const dir = kubeletDir(ctx);
    const config = join(dir, "config.yaml");
    return {
      executable: requireBinaries(ctx).kubelet,
      marker: config,
      args: [
        `--config=${config}`,
        `--kubeconfig=${kubeletKubeconfig(ctx)}`,
        `--root-dir=${join(dir, "root")}`,
        `--cert-dir=${join(dir, "pki")}`,
        `--hostname-override=${realNode.name}`,
        `--node-ip=${realNode.address}`,
        `--node-labels=${realNode.label.key}=${realNode.label.value}`,
        "--v=1",
      ],
    };
  },
  async healthy(ctx) {
    const res = await httpGet(`http://${host}:${ports.kubeletHealthz}/healthz`, {});
    if (res.status !== 200) return false;
    const core = planeAdminKubeConfig(ctx, localPlane).makeApiClient(CoreV1Api);
    const node = await core.readNode({ name: realNode.name });
    return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  },
  async version() {
    return versions.kubernetes;
  },
};
