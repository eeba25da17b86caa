import { httpGet } from "../process/http-probe.ts";
import { host, versions } from "../versions.ts";
import { partName, planePki, type ControlPlane } from "./control-plane.ts";
import { goBuilt, requireBinaries, type Part, type PartContext } from "./part.ts";
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

type Binary = "kubeControllerManager" | "kubeScheduler";

/**
 * A controller of one plane: the same shape for both, serving on its own port after the plane's
 * API server is up; `args` are its flags beside the kubeconfig, address and port.
 */
function controllerPart(
  plane: ControlPlane,
  component: string,
  port: number,
  binary: Binary,
  args: (ctx: PartContext) => readonly string[],
): Part {
  const name = partName(plane, component);
  return {
    name,
    install: goBuilt("kubernetes"),
    address: `https://${host}:${port}`,
    ports: [port],
    dependsOn: [partName(plane, "kube-apiserver")],
    startTimeoutMs: 60_000,
    async prepare() {},
    launch(ctx) {
      const flags = kubeconfigFlags(ctx, name);
      return {
        executable: requireBinaries(ctx)[binary],
        marker: flags[0],
        args: [
          ...flags,
          `--bind-address=${host}`,
          `--secure-port=${port}`,
          "--leader-elect=false",
          ...args(ctx),
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

export function kubeControllerManagerPart(plane: ControlPlane): Part {
  return controllerPart(
    plane,
    "kube-controller-manager",
    plane.ports.controllerManager,
    "kubeControllerManager",
    (ctx) => {
      const pki = planePki(ctx, plane);
      return [
        // Each controller acts as its own ServiceAccount, as bootstrap RBAC expects.
        "--use-service-account-credentials=true",
        `--root-ca-file=${pki.caCert}`,
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--cluster-signing-cert-file=${pki.caCert}`,
        `--cluster-signing-key-file=${pki.caKey}`,
      ];
    },
  );
}

export function kubeSchedulerPart(plane: ControlPlane): Part {
  return controllerPart(plane, "kube-scheduler", plane.ports.scheduler, "kubeScheduler", () => []);
}
