import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeKubeconfig } from "../../kubeconfig.ts";
import type { Layout } from "../../layout.ts";
import { issueCertificate, readOrCreate, token } from "../../secrets.ts";
import { localPlane } from "../control-plane.ts";
import { componentKubeconfigPath } from "../kube-identities.ts";
import type { PartContext } from "../part.ts";
import { realNode } from "./network.ts";

/** The real node's identities on the first plane, kept 0600 beside the platform's own. */
export interface NodeTokens {
  readonly kubeletToken: string;
  readonly kubeProxyToken: string;
  readonly corednsToken: string;
}

const nodeSecretsPath = (layout: Layout): string => join(layout.stateDir, "node", "secrets.json");

/** Created once; two `up`s at once agree on one set. */
export function ensureNodeTokens(layout: Layout): NodeTokens {
  return readOrCreate<NodeTokens>(nodeSecretsPath(layout), () => ({
    kubeletToken: token(),
    kubeProxyToken: token(),
    corednsToken: token(),
  }));
}

export const corednsUser = "slipway:coredns";

/**
 * The token file's lines for the node's identities: the kubelet as `system:node:<name>` in
 * `system:nodes` (the Node authorizer then grants exactly what a kubelet may do), kube-proxy
 * as the user Kubernetes' bootstrap policy binds to `system:node-proxier`, CoreDNS as a user
 * of its own (bound to a read-only role by the CoreDNS part).
 */
export function nodeTokenFileLines(layout: Layout): string[] {
  const tokens = ensureNodeTokens(layout);
  return [
    `${tokens.kubeletToken},system:node:${realNode.name},system:node:${realNode.name},"system:nodes"`,
    `${tokens.kubeProxyToken},system:kube-proxy,system:kube-proxy`,
    `${tokens.corednsToken},${corednsUser},${corednsUser}`,
  ];
}

export const kubeletKubeconfig = (ctx: Pick<PartContext, "layout">): string =>
  componentKubeconfigPath(ctx, "node/kubelet");
export const kubeProxyKubeconfig = (ctx: Pick<PartContext, "layout">): string =>
  componentKubeconfigPath(ctx, "node/kube-proxy");
export const corednsKubeconfig = (ctx: Pick<PartContext, "layout">): string =>
  componentKubeconfigPath(ctx, "node/coredns");

export function writeNodeKubeconfigs(ctx: Pick<PartContext, "layout" | "pki">): void {
  const tokens = ensureNodeTokens(ctx.layout);
  const base = { server: localPlane.apiserverUrl, caCertPath: ctx.pki.caCert, context: localPlane.name };
  writeKubeconfig(kubeletKubeconfig(ctx), {
    ...base,
    user: `system:node:${realNode.name}`,
    token: tokens.kubeletToken,
  });
  writeKubeconfig(kubeProxyKubeconfig(ctx), {
    ...base,
    user: "system:kube-proxy",
    token: tokens.kubeProxyToken,
  });
  writeKubeconfig(corednsKubeconfig(ctx), { ...base, user: corednsUser, token: tokens.corednsToken });
}

/** The API server's client certificate towards kubelets (logs, exec, port-forward), from the plane's CA. */
export interface KubeletClientCert {
  readonly cert: string;
  readonly key: string;
}

/** Where the certificate is, beside the plane's CA: `launch` names it, `prepare` makes it. */
export function kubeletClientCertPaths(pki: PartContext["pki"]): KubeletClientCert {
  const dir = join(dirname(pki.caCert), "kubelet-client");
  return { cert: join(dir, "apiserver-kubelet-client.crt"), key: join(dir, "apiserver-kubelet-client.key") };
}

export function ensureKubeletClientCert(pki: PartContext["pki"]): KubeletClientCert {
  const paths = kubeletClientCertPaths(pki);
  const dir = dirname(paths.cert);
  if (existsSync(paths.cert) && existsSync(paths.key)) return paths;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // As kubeadm's: the kubelet authorizes it through the API server, which grants masters all.
  issueCertificate({
    ca: pki,
    subject: "/O=system:masters/CN=kube-apiserver-kubelet-client",
    extensions: "extendedKeyUsage=clientAuth\n",
    ...paths,
  });
  return paths;
}
