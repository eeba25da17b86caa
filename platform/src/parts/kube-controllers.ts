import { httpGet } from "../process/http-probe.ts";
import { host, ports, versions } from "../versions.ts";
import { requireBinaries, type Part, type PartContext } from "./part.ts";
import { componentKubeconfigPath } from "./kube-identities.ts";

/** Both controllers serve /healthz on a self-signed certificate of their own. */
const healthz = (port: number) => async (): Promise<boolean> =>
  (await httpGet(`https://${host}:${port}/healthz`, { insecure: true })).status === 200;

const kubeconfigFlags = (ctx: PartContext, component: string): string[] => {
  const path = componentKubeconfigPath(ctx, component);
  return [
    `--kubeconfig=${path}`,
    `--authentication-kubeconfig=${path}`,
    `--authorization-kubeconfig=${path}`,
  ];
};

export const kubeControllerManager: Part = {
  name: "kube-controller-manager",
  address: `https://${host}:${ports.controllerManager}`,
  ports: [ports.controllerManager],
  dependsOn: ["kube-apiserver"],
  startTimeoutMs: 60_000,
  async prepare() {},
  launch(ctx) {
    return {
      executable: requireBinaries(ctx).kubeControllerManager,
      args: [
        ...kubeconfigFlags(ctx, "kube-controller-manager"),
        `--bind-address=${host}`,
        `--secure-port=${ports.controllerManager}`,
        "--leader-elect=false",
        // Each controller acts as its own ServiceAccount, as bootstrap RBAC expects.
        "--use-service-account-credentials=true",
        `--root-ca-file=${ctx.pki.caCert}`,
        `--service-account-private-key-file=${ctx.pki.serviceAccountKey}`,
        `--cluster-signing-cert-file=${ctx.pki.caCert}`,
        `--cluster-signing-key-file=${ctx.pki.caKey}`,
        "--v=1",
      ],
    };
  },
  healthy: healthz(ports.controllerManager),
  async version() {
    return versions.kubernetes;
  },
};

export const kubeScheduler: Part = {
  name: "kube-scheduler",
  address: `https://${host}:${ports.scheduler}`,
  ports: [ports.scheduler],
  dependsOn: ["kube-apiserver"],
  startTimeoutMs: 60_000,
  async prepare() {},
  launch(ctx) {
    return {
      executable: requireBinaries(ctx).kubeScheduler,
      args: [
        ...kubeconfigFlags(ctx, "kube-scheduler"),
        `--bind-address=${host}`,
        `--secure-port=${ports.scheduler}`,
        "--leader-elect=false",
        "--v=1",
      ],
    };
  },
  healthy: healthz(ports.scheduler),
  async version() {
    return versions.kubernetes;
  },
};
