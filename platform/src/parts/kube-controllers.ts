import { httpGet } from "../process/http-probe.ts";
import { host, versions } from "../versions.ts";
import { partName, planePki, type ControlPlane } from "./control-plane.ts";
import { requireBinaries, type Part, type PartContext } from "./part.ts";
import { componentKubeconfigPath } from "./kube-identities.ts";

/** Both controllers serve /healthz on a self-signed certificate of their own. */
const healthz = (port: number) => async (): Promise<boolean> =>
  (await httpGet(`https://${host}:${port}/healthz`, { insecure: true })).status === 200;

/** The first flag names this plane's kubeconfig: the marker that tells the two planes' processes apart. */
const kubeconfigFlags = (ctx: PartContext, component: string): [string, ...string[]] => {
  const path = componentKubeconfigPath(ctx, component);
  return [
    `--kubeconfig=${path}`,
    `--authentication-kubeconfig=${path}`,
    `--authorization-kubeconfig=${path}`,
  ];
};

export function kubeControllerManagerPart(plane: ControlPlane): Part {
  const name = partName(plane, "kube-controller-manager");
  const port = plane.ports.controllerManager;
  return {
    name,
    address: `https://${host}:${port}`,
    ports: [port],
    dependsOn: [partName(plane, "kube-apiserver")],
    startTimeoutMs: 60_000,
    async prepare() {},
    launch(ctx) {
      const pki = planePki(ctx, plane);
      const flags = kubeconfigFlags(ctx, name);
      return {
        executable: requireBinaries(ctx).kubeControllerManager,
        marker: flags[0],
        args: [
          ...flags,
          `--bind-address=${host}`,
          `--secure-port=${port}`,
          "--leader-elect=false",
          // Each controller acts as its own ServiceAccount, as bootstrap RBAC expects.
          "--use-service-account-credentials=true",
          `--root-ca-file=${pki.caCert}`,
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--cluster-signing-cert-file=${pki.caCert}`,
          `--cluster-signing-key-file=${pki.caKey}`,
          "--v=1",
        ],
      };
    },
    healthy: healthz(port),
    async version() {
      return versions.kubernetes;
    },
  };
}

export function kubeSchedulerPart(plane: ControlPlane): Part {
  const name = partName(plane, "kube-scheduler");
  const port = plane.ports.scheduler;
  return {
    name,
    address: `https://${host}:${port}`,
    ports: [port],
    dependsOn: [partName(plane, "kube-apiserver")],
    startTimeoutMs: 60_000,
    async prepare() {},
    launch(ctx) {
      const flags = kubeconfigFlags(ctx, name);
      return {
        executable: requireBinaries(ctx).kubeScheduler,
        marker: flags[0],
        args: [...flags, `--bind-address=${host}`, `--secure-port=${port}`, "--leader-elect=false", "--v=1"],
      };
    },
    healthy: healthz(port),
    async version() {
      return versions.kubernetes;
    },
  };
}
