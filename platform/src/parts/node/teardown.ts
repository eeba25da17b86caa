import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** Where the kubelet puts every pod's cgroup, under each v1 controller (its `cgroupRoot`). */
export const podCgroupRoot = "slipway";
const cgroupMount = "/sys/fs/cgroup";

function cgroupDirs(root: string): string[] {
  // Children first, so they can be removed in this order.
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name));
    dirs.push(dir);
  };
  if (existsSync(root)) walk(root);
  return dirs;
}

/**
 * The kubelet's cgroup root must exist in every v1 hierarchy before it starts; a new cpuset
 * cgroup starts with no CPUs or memory nodes, so it gets its parent's.
 */
export function ensurePodCgroups(): void {
  for (const controller of readdirSync(cgroupMount)) {
    const hierarchy = join(cgroupMount, controller);
    if (!existsSync(join(hierarchy, "cgroup.procs"))) continue;
    const dir = join(hierarchy, podCgroupRoot);
    mkdirSync(dir, { recursive: true });
    if (controller === "cpuset")
      for (const file of ["cpuset.cpus", "cpuset.mems"])
        if (readFileSync(join(dir, file), "utf8").trim() === "")
          writeFileSync(join(dir, file), readFileSync(join(hierarchy, file), "utf8"));
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Ends what the node's containers left once containerd and the kubelet have stopped: the
 * containers' processes (found by their cgroups), the runc shims of our containerd (found by
 * its socket on their command line), the mounts under the node's folders, and the cgroups.
 */
export function stopContainers(nodeStateDir: string): void {
  const controllers = existsSync(cgroupMount) ? readdirSync(cgroupMount) : [];
  for (const controller of controllers)
    for (const dir of cgroupDirs(join(cgroupMount, controller, podCgroupRoot))) {
      const procs = join(dir, "cgroup.procs");
      if (!existsSync(procs)) continue;
      for (const line of readFileSync(procs, "utf8").split("\n")) if (line) kill(Number(line));
    }
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes("containerd-shim") && cmdline.includes(nodeStateDir)) kill(Number(pid));
    } catch {
      // exited while we looked
    }
  }
  unmountUnder(nodeStateDir);
  for (const controller of controllers)
    for (const dir of cgroupDirs(join(cgroupMount, controller, podCgroupRoot))) {
      // A cgroup whose last process is still exiting is removed on the next `down`.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch {
          execFileSync("sleep", ["0.1"]);
        }
      }
    }
}

/** Lazily unmounts every mount under `dir`, deepest first (rootfs overlays, volumes, netns). */
export function unmountUnder(dir: string): void {
  const mountPoints = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .map((point) => point.replace(/\\040/g, " "))
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mountPoints) {
    try {
      execFileSync("umount", ["-l", point], { stdio: "ignore" });
    } catch {
      // already gone with a parent
    }
  }
}

/** kube-proxy leaves its nftables tables behind when it stops. */
export function removeKubeProxyRules(): void {
  for (const family of ["ip", "ip6"]) {
    try {
      execFileSync("nft", ["delete", "table", family, "kube-proxy"], { stdio: "ignore" });
    } catch {
      // none
    }
  }
}

/**
 * What containerd, its shims, libcni and the kubelet write to paths they hard-code, removed
 * where it is ours: the kubelet's symlinks into our pod logs, libcni's results for our network
 * and for the sandboxes our containerd made, shim sockets nothing listens on any more; then
 * each of those folders if that left it empty.
 */
export function removeHostLeftovers(options: {
  readonly podLogsDir: string;
  readonly networkName: string;
  readonly sandboxIds: readonly string[];
}): void {
  const remove = (path: string): void => rmSync(path, { force: true });
  const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
  for (const name of entries("/var/log/containers")) {
    const link = join("/var/log/containers", name);
    try {
      if (readlinkSync(link).startsWith(`${options.podLogsDir}/`)) remove(link);
    } catch {
      // not a link
    }
  }
  const results = "/var/lib/cni/results";
  for (const name of entries(results))
    if (
      name.startsWith(`${options.networkName}-`) ||
      options.sandboxIds.some((id) => name.startsWith(`cni-loopback-${id}-`))
    )
      remove(join(results, name));
  const bound = new Set(
    readFileSync("/proc/net/unix", "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[7] ?? "")
      .filter((path) => path.startsWith("/")),
  );
  const shimSockets = "/run/containerd/s";
  const devicePlugins = "/var/lib/kubelet/device-plugins";
  for (const dir of [shimSockets, devicePlugins])
    for (const name of entries(dir)) if (!bound.has(join(dir, name))) remove(join(dir, name));
  for (const dir of [
    "/var/log/containers",
    results,
    "/var/lib/cni",
    devicePlugins,
    "/var/lib/kubelet",
    shimSockets,
    // The shim makes runc's default root though runc is told another.
    "/run/containerd/runc/k8s.io",
    "/run/containerd/runc",
    "/run/containerd",
  ])
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}
