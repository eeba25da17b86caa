import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpGet } from "../process/http-probe.ts";
import { partDir } from "../layout.ts";
import { host, ports } from "../versions.ts";
import { requireBinaries, type Part } from "./part.ts";
import { apiserverUrl, caBytes, tokenFileLines, writeComponentKubeconfigs } from "./kube-identities.ts";

export const kubeApiserver: Part = {
  name: "kube-apiserver",
  address: apiserverUrl,
  ports: [ports.apiserver],
  dependsOn: ["etcd"],
  startTimeoutMs: 90_000,
  async prepare(ctx) {
    const dir = partDir(ctx.layout, "kube-apiserver");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "tokens.csv"), tokenFileLines(ctx), { mode: 0o600 });
    writeComponentKubeconfigs(ctx);
  },
  launch(ctx) {
    const dir = partDir(ctx.layout, "kube-apiserver");
    return {
      executable: requireBinaries(ctx).kubeApiserver,
      args: [
        `--etcd-servers=http://${host}:${ports.etcdClient}`,
        `--bind-address=${host}`,
        `--advertise-address=${host}`,
        `--secure-port=${ports.apiserver}`,
        `--cert-dir=${dir}`,
        `--tls-cert-file=${ctx.pki.apiserverCert}`,
        `--tls-private-key-file=${ctx.pki.apiserverKey}`,
        `--client-ca-file=${ctx.pki.caCert}`,
        `--token-auth-file=${join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        "--anonymous-auth=false",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${ctx.pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${ctx.pki.serviceAccountKey}`,
        "--service-cluster-ip-range=10.96.0.0/16",
        // The `kubernetes` Service cannot point at a loopback address; nothing here needs it.
        "--endpoint-reconciler-type=none",
        "--allow-privileged=true",
        "--v=1",
      ],
    };
  },
  async healthy(ctx) {
    const res = await httpGet(`${apiserverUrl}/readyz`, { ca: caBytes(ctx), bearer: ctx.secrets.adminToken });
    return res.status === 200;
  },
  async version(ctx) {
    const res = await httpGet(`${apiserverUrl}/version`, {
      ca: caBytes(ctx),
      bearer: ctx.secrets.adminToken,
    });
    return (JSON.parse(res.body) as { gitVersion: string }).gitVersion;
  },
};
