import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpGet } from "../process/http-probe.ts";
import { partDir } from "../layout.ts";
import { host } from "../versions.ts";
import { partName, planePki, planeTokens, type ControlPlane } from "./control-plane.ts";
import { goBuilt, requireBinaries, type Part } from "./part.ts";
import { ensureKubeletClientCert, kubeletClientCertPaths } from "./node/identity.ts";
import { caBytes, tokenFileLines, writeComponentKubeconfigs } from "./kube-identities.ts";

/** The ClusterIPs every control plane hands out; kube-proxy routes them on this machine. */
export const serviceClusterIpRange = "10.96.0.0/16";

/** A control plane's API server: its own etcd, CA, service-account key and tokens. */
export function kubeApiserverPart(plane: ControlPlane): Part {
  const name = partName(plane, "kube-apiserver");
  return {
    name,
    install: goBuilt("kubernetes"),
    address: plane.apiserverUrl,
    ports: [plane.ports.apiserver],
    dependsOn: [partName(plane, "etcd")],
    startTimeoutMs: 90_000,
    async prepare(ctx) {
      const dir = partDir(ctx.layout, name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, "tokens.csv"), tokenFileLines(ctx, plane), { mode: 0o600 });
      writeComponentKubeconfigs(ctx, plane);
      ensureKubeletClientCert(planePki(ctx, plane));
    },
    launch(ctx) {
      const dir = partDir(ctx.layout, name);
      const pki = planePki(ctx, plane);
      const tokenFile = `--token-auth-file=${join(dir, "tokens.csv")}`;
      const kubeletClient = kubeletClientCertPaths(pki);
      return {
        executable: requireBinaries(ctx).kubeApiserver,
        // Every plane runs the same binary: a live PID is ours only if it reads our token file.
        marker: tokenFile,
        args: [
          `--etcd-servers=http://${host}:${plane.ports.etcdClient}`,
          `--bind-address=${host}`,
          `--advertise-address=${host}`,
          `--secure-port=${plane.ports.apiserver}`,
          `--cert-dir=${dir}`,
          `--tls-cert-file=${pki.apiserverCert}`,
          `--tls-private-key-file=${pki.apiserverKey}`,
          `--client-ca-file=${pki.caCert}`,
          tokenFile,
          // Node: a kubelet may touch only its own node and the pods bound to it.
          "--authorization-mode=Node,RBAC",
          "--enable-admission-plugins=NodeRestriction",
          // Logs, exec and port-forward: a kubelet's address is its InternalIP (the real node's
          // bridge address), and it knows the API server by a client certificate of the CA.
          "--kubelet-preferred-address-types=InternalIP",
          `--kubelet-client-certificate=${kubeletClient.cert}`,
          `--kubelet-client-key=${kubeletClient.key}`,
          "--anonymous-auth=false",
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${pki.serviceAccountPub}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          `--service-cluster-ip-range=${serviceClusterIpRange}`,
          // The `kubernetes` Service cannot point at a loopback address; nothing here needs it.
          "--endpoint-reconciler-type=none",
          "--allow-privileged=true",
          "--v=1",
        ],
      };
    },
    async healthy(ctx) {
      const res = await httpGet(`${plane.apiserverUrl}/readyz`, {
        ca: caBytes(ctx, plane),
        bearer: planeTokens(ctx.secrets, plane).adminToken,
      });
      return res.status === 200;
    },
    async version(ctx) {
      const res = await httpGet(`${plane.apiserverUrl}/version`, {
        ca: caBytes(ctx, plane),
        bearer: planeTokens(ctx.secrets, plane).adminToken,
      });
      return (JSON.parse(res.body) as { gitVersion: string }).gitVersion;
    },
  };
}
