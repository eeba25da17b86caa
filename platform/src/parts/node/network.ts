import { execFileSync } from "node:child_process";
import { PlatformError } from "../../errors.ts";

/**
 * The real node's network, all on this machine: a bridge with its own address (the node's
 * InternalIP, the pods' gateway, where PostgreSQL, Elasticsearch and cluster DNS answer pods),
 * and the pods' subnet on it. This kernel has no `dummy` links and the node IP cannot be
 * loopback, so the bridge is the node's address.
 */
export const realNode = {
  name: "slipway-node-real",
  bridge: "slipway0",
  address: "10.89.0.1",
  /**
   * Wide, so host-local hands out a pod address again only after 65,000 others: a reused
   * address could meet this machine's stale neighbour entry for the pod that had it before.
   */
  podSubnet: "10.89.0.0/16",
  /** KWOK's simulated nodes report 127.0.0.1, so the API server asks 127.0.0.1:10250 for their logs. */
  kubeletPort: 10350,
  /** Pods that do not tolerate it stay on the simulated nodes (tests that need no process). */
  taint: { key: "slipway.dev/real-node", value: "true", effect: "NoSchedule" },
  /** Selects the real node: `slipway.dev/node=real`; KWOK's nodes are `simulated`. */
  label: { key: "slipway.dev/node", value: "real" },
} as const;

/** Our own nftables table: pod traffic may reach this machine and its pods, never leave it. */
const guardTable = "slipway_node_guard";

function run(command: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(command, [...args], {
      encoding: "utf8",
      input: input ?? "",
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new PlatformError("node-network", `${command} ${args.join(" ")} failed: ${stderr}`, {
      hint: "the real node needs root, iproute2 and nftables (scripts/setup.sh installs them)",
    });
  }
}

function bridgeExists(): boolean {
  try {
    execFileSync("ip", ["link", "show", realNode.bridge], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Pods reach this machine and each other; nothing of theirs is routed off it, nothing in to them. */
const guardRules = `table inet ${guardTable}
flush table inet ${guardTable}
table inet ${guardTable} {
  chain forward {
    type filter hook forward priority -10; policy accept;
    ip saddr ${realNode.podSubnet} oifname != "${realNode.bridge}" drop
    ip daddr ${realNode.podSubnet} iifname != "${realNode.bridge}" drop
  }
}
`;

/**
 * Creates the bridge with the node's address, lets the host route between pods (Service
 * traffic is DNATed by kube-proxy and routed back onto the bridge), and drops anything from
 * the pod subnet that would leave through another interface. Idempotent.
 */
export function ensureNodeNetwork(): void {
  // The guard first, so nothing is forwarded off the machine even for an instant.
  run("nft", ["-f", "-"], guardRules);
  if (!bridgeExists()) run("ip", ["link", "add", realNode.bridge, "type", "bridge"]);
  const addresses = run("ip", ["-o", "-4", "addr", "show", "dev", realNode.bridge]);
  const wanted = `${realNode.address}/${realNode.podSubnet.split("/")[1]}`;
  if (!addresses.includes(` ${wanted} `)) {
    // An address of an older layout (another prefix) goes first.
    if (addresses.includes(` ${realNode.address}/`)) run("ip", ["addr", "flush", "dev", realNode.bridge]);
    run("ip", ["addr", "add", wanted, "dev", realNode.bridge]);
  }
  run("ip", ["link", "set", realNode.bridge, "up"]);
  run("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"]);
}

/** Removes the bridge and the guard (after the node's processes have stopped). */
export function removeNodeNetwork(): void {
  if (bridgeExists()) run("ip", ["link", "delete", realNode.bridge]);
  try {
    execFileSync("nft", ["delete", "table", "inet", guardTable], { stdio: "ignore" });
  } catch {
    // not there: nothing to remove
  }
}
