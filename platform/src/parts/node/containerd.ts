import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { partDir } from "../../layout.ts";
import { host, ports, versions } from "../../versions.ts";
import { goBuilt, requireBinaries, type Part, type PartContext } from "../part.ts";
import { realNode, removeNodeNetwork } from "./network.ts";
import { removeHostLeftovers, stopContainers } from "./teardown.ts";
import { podLogsDir } from "./paths.ts";
import { importPauseImage, pauseImage } from "./pause-image.ts";

export const containerdPartName = "node/containerd";
/** The CRI namespace kubelet's containers live in. */
export const criNamespace = "k8s.io";

export const containerdDir = (ctx: Pick<PartContext, "layout">): string =>
  partDir(ctx.layout, containerdPartName);
export const containerdSocket = (ctx: Pick<PartContext, "layout">): string =>
  join(containerdDir(ctx), "containerd.sock");
export const cniConfDir = (ctx: Pick<PartContext, "layout">): string =>
  join(containerdDir(ctx), "cni", "net.d");

/** Debian's runc and CNI plugins (packages runc, containernetworking-plugins). */
export const runcPath = "/usr/sbin/runc";
export const cniBinDir = "/usr/lib/cni";

/**
 * containerd's configuration: every path under the part's folder (none under /run, /var/lib or
 * /opt), NRI off, our pause image pinned, the local registry over plain HTTP, and
 * `restrict_oom_score_adj`: the sandbox lacks CAP_SYS_RESOURCE, so runc may not lower a score.
 */
function containerdConfig(ctx: PartContext): string {
  const dir = containerdDir(ctx);
  return `version = 3
root = "${join(dir, "root")}"
state = "${join(dir, "state")}"

[grpc]
  address = "${containerdSocket(ctx)}"

[ttrpc]
  address = "${join(dir, "containerd.sock.ttrpc")}"

[debug]
  level = "info"

# Its one TCP port: a second platform's containerd finds it taken and does not start.
[metrics]
  address = "${host}:${ports.containerdMetrics}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(dir, "opt")}"

[plugins."io.containerd.nri.v1.nri"]
  disable = true

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

[plugins."io.containerd.cri.v1.runtime"]
  enable_selinux = false
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "${runcPath}"
        Root = "${join(dir, "runc")}"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["${cniBinDir}"]
    conf_dir = "${cniConfDir(ctx)}"
    max_conf_num = 1

[plugins."io.containerd.cri.v1.images"]
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "${pauseImage}"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "${join(dir, "certs.d")}"
`;
}

export const podNetworkName = "slipway-pods";

/** The pods' network: one bridge (the node's own), addresses from its subnet, the host as gateway. */
function cniConfig(): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: podNetworkName,
      plugins: [
        {
          type: "bridge",
          bridge: realNode.bridge,
          isGateway: true,
          // Nothing leaves this machine: no masquerade towards another interface.
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: realNode.podSubnet, gateway: realNode.address }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: "__DATA_DIR__",
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

/** The local registry speaks plain HTTP on loopback: containerd is told so, host by host. */
function registryHosts(): string {
  const registry = `127.0.0.1:${ports.registry}`;
  return `server = "http://${registry}"

[host."http://${registry}"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
`;
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The real node's container runtime: containerd 2 with runc (Debian's) and CNI (Debian's). */
export const containerdPart: Part = {
  name: containerdPartName,
  install: goBuilt("node"),
  tools: [
    { path: runcPath, install: "apt-get install runc (scripts/setup.sh installs it)" },
    {
      path: join(cniBinDir, "bridge"),
      install: "apt-get install containernetworking-plugins (scripts/setup.sh installs it)",
    },
  ],
  address: `runc, CNI bridge ${realNode.bridge}`,
  ports: [ports.containerdMetrics],
  dependsOn: [],
  startTimeoutMs: 60_000,
  async prepare(ctx) {
    const dir = containerdDir(ctx);
    for (const sub of ["root", "state", "opt", "cni/net.d", "cni/networks", "certs.d"])
      mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "config.toml"), containerdConfig(ctx));
    writeFileSync(
      join(cniConfDir(ctx), "10-slipway.conflist"),
      cniConfig().replace("__DATA_DIR__", join(dir, "cni", "networks")),
    );
    const hostDir = join(dir, "certs.d", `127.0.0.1:${ports.registry}`);
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(join(hostDir, "hosts.toml"), registryHosts());
  },
  launch(ctx) {
    const binaries = requireBinaries(ctx);
    const config = join(containerdDir(ctx), "config.toml");
    return {
      executable: binaries.containerd,
      marker: config,
      args: ["--config", config],
      // The runc shim is found on PATH, beside containerd in the build cache.
      env: { ...process.env, PATH: `${join(binaries.containerd, "..")}:/usr/sbin:/usr/bin:/sbin:/bin` },
    };
  },
  async healthy(ctx) {
    return existsSync(containerdSocket(ctx)) && (await socketAnswers(containerdSocket(ctx)));
  },
  async afterStart(ctx) {
    await importPauseImage(ctx);
  },
  afterStop(layout) {
    stopContainers(partDir(layout, "node"));
    const sandboxes = join(containerdDir({ layout }), "root", "io.containerd.grpc.v1.cri", "sandboxes");
    removeHostLeftovers({
      podLogsDir: podLogsDir(layout),
      networkName: podNetworkName,
      sandboxIds: existsSync(sandboxes) ? readdirSync(sandboxes) : [],
    });
    removeNodeNetwork();
  },
  async version() {
    return versions.containerd;
  },
};
