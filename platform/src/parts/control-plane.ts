import { join } from "node:path";
import type { Layout } from "../layout.ts";
import type { Pki, PlatformSecrets } from "../secrets.ts";
import { host, ports } from "../versions.ts";

/**
 * The three independent Kubernetes control planes: `local` (contexts local, k3s), `rancher`, and
 * `edge` (a third site, so a fleet environment can deploy in waves across three clusters).
 */
export type ClusterName = "local" | "rancher" | "edge";

/** The static tokens of one control plane's identities. */
export interface ControlPlaneTokens {
  readonly adminToken: string;
  readonly controllerManagerToken: string;
  readonly schedulerToken: string;
  readonly kwokToken: string;
}

/**
 * One Kubernetes control plane: etcd, kube-apiserver, controller-manager, scheduler and KWOK.
 * Every plane runs the same binaries; each has its own data, ports, CA and tokens, so
 * nothing issued by one is accepted by the other.
 */
export interface ControlPlane {
  /** The kubeconfig cluster name and the key of `clusters` in platform.json. */
  readonly name: ClusterName;
  /** The admin kubeconfig's contexts that point at this plane. */
  readonly contexts: readonly string[];
  /** Prepended to its part names (`rancher/etcd`), so parts, PIDs, logs and data stay apart. */
  readonly partPrefix: string;
  readonly ports: {
    readonly etcdClient: number;
    readonly etcdPeer: number;
    readonly apiserver: number;
    readonly controllerManager: number;
    readonly scheduler: number;
    readonly kwok: number;
  };
  readonly apiserverUrl: string;
  /** The admin's user name, in the API server's token file and in the kubeconfig. */
  readonly adminUser: string;
  readonly nodeNames: readonly string[];
  /** The StorageClass marked default (K3s: local-path; Rancher: Longhorn). */
  readonly defaultStorageClass: "local-path" | "longhorn";
}

export const localPlane = {
  name: "local",
  contexts: ["local", "k3s"],
  partPrefix: "",
  ports,
  apiserverUrl: `https://${host}:${ports.apiserver}`,
  adminUser: "slipway-admin",
  nodeNames: ["slipway-node-1", "slipway-node-2"] as const,
  defaultStorageClass: "local-path",
} as const satisfies ControlPlane;

export const rancherPlane = {
  name: "rancher",
  contexts: ["rancher"],
  partPrefix: "rancher/",
  ports: ports.rancher,
  apiserverUrl: `https://${host}:${ports.rancher.apiserver}`,
  adminUser: "rancher-admin",
  nodeNames: ["rancher-node-1", "rancher-node-2"] as const,
  defaultStorageClass: "longhorn",
} as const satisfies ControlPlane;

export const edgePlane = {
  name: "edge",
  contexts: ["edge"],
  partPrefix: "edge/",
  ports: ports.edge,
  apiserverUrl: `https://${host}:${ports.edge.apiserver}`,
  adminUser: "edge-admin",
  nodeNames: ["edge-node-1", "edge-node-2"] as const,
  defaultStorageClass: "local-path",
} as const satisfies ControlPlane;

export const controlPlanes: readonly ControlPlane[] = [localPlane, rancherPlane, edgePlane];

/** The admin kubeconfig's contexts: `local` and `k3s` (first plane), `rancher` (second), `edge` (third). */
export type AdminContext =
  | (typeof localPlane.contexts)[number]
  | (typeof rancherPlane.contexts)[number]
  | (typeof edgePlane.contexts)[number];

/** Every context of the admin kubeconfig. */
export const adminContexts: readonly string[] = controlPlanes.flatMap((plane) => plane.contexts);

/** The plane an admin kubeconfig context points at. */
export function planeForContext(context: string): ControlPlane {
  const plane = controlPlanes.find((p) => p.contexts.includes(context));
  if (!plane) throw new Error(`unknown context ${context} (expected one of: ${adminContexts.join(", ")})`);
  return plane;
}

export const partName = (plane: ControlPlane, part: string): string => `${plane.partPrefix}${part}`;

/** Where a plane keeps its CA, serving certificate and service-account key. */
export const pkiDir = (layout: Layout, cluster: ClusterName): string =>
  cluster === "local" ? join(layout.stateDir, "pki") : join(layout.stateDir, cluster, "pki");

export const pkiIn = (dir: string): Pki => ({
  caCert: join(dir, "ca.crt"),
  caKey: join(dir, "ca.key"),
  apiserverCert: join(dir, "apiserver.crt"),
  apiserverKey: join(dir, "apiserver.key"),
  serviceAccountKey: join(dir, "service-account.key"),
  serviceAccountPub: join(dir, "service-account.pub"),
});

/** A plane's PKI: the context's own for the first plane, by path for the others. */
export const planePki = (ctx: { readonly layout: Layout; readonly pki: Pki }, plane: ControlPlane): Pki =>
  plane.name === "local" ? ctx.pki : pkiIn(pkiDir(ctx.layout, plane.name));

export function planeTokens(secrets: PlatformSecrets, plane: ControlPlane): ControlPlaneTokens {
  if (plane.name === "local") return secrets;
  const tokens = secrets.planes?.[plane.name];
  if (!tokens) {
    throw new Error(`no credentials for the ${plane.name} control plane yet; run: npm run platform -- up`);
  }
  return tokens;
}
