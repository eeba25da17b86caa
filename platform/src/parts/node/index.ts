import type { Part } from "../part.ts";
import { containerdPart } from "./containerd.ts";
import { corednsPart } from "./coredns.ts";
import { kubeProxyPart } from "./kube-proxy.ts";
import { kubeletPart } from "./kubelet.ts";

/**
 * The first plane's real node, in dependency order: a kubelet that runs containers in
 * containerd with runc, kube-proxy for Services, CoreDNS for names. Beside KWOK's simulated
 * nodes, which stay for the scale benchmarks and for pods that need no process.
 */
export const realNodeParts: readonly Part[] = [containerdPart, kubeletPart, kubeProxyPart, corednsPart];
