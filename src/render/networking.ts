import type {
  V1Ingress,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
  V1ObjectMeta,
  V1Service,
} from "@kubernetes/client-node";
import { metadata, selectorLabels, type RenderContext } from "./labels.ts";

export function renderKubernetesService(ctx: RenderContext): V1Service | undefined {
  const { spec } = ctx.service;
  if (!spec.service) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(ctx, spec.name),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ctx),
      ports: [
        {
          name: "http",
          port: spec.service.port,
          targetPort: spec.service.targetPort ?? spec.deployment.port ?? spec.service.port,
          protocol: "TCP",
        },
      ],
    },
  };
}

export function renderIngress(ctx: RenderContext): V1Ingress | undefined {
  const { spec } = ctx.service;
  if (!spec.ingress || !spec.service) return undefined;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: metadata(ctx, spec.name),
    spec: {
      ingressClassName: ctx.env.ingressClass,
      ...(spec.ingress.tlsSecret
        ? { tls: [{ hosts: [spec.ingress.host], secretName: spec.ingress.tlsSecret }] }
        : {}),
      rules: [
        {
          host: spec.ingress.host,
          http: {
            paths: [
              {
                path: spec.ingress.path,
                pathType: "Prefix",
                backend: { service: { name: spec.name, port: { number: spec.service.port } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** Where each flavour runs its ingress controller: Traefik in kube-system on K3s, ingress-nginx on Rancher. */
const ingressControllerNamespace = { k3s: "kube-system", rancher: "ingress-nginx" } as const;

/**
 * NetworkPolicy as the API server reads it. The client library's type names the `from`
 * field `_from` (a reserved word in its generator), so the wire shape is spelled out here.
 */
export interface NetworkPolicyObject {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: V1ObjectMeta;
  readonly spec: Omit<V1NetworkPolicySpec, "ingress"> & {
    readonly ingress: (Omit<V1NetworkPolicyIngressRule, "_from"> & {
      readonly from: V1NetworkPolicyPeer[];
    })[];
  };
}

export function renderNetworkPolicy(ctx: RenderContext): NetworkPolicyObject | undefined {
  const { spec } = ctx.service;
  if (!spec.networkPolicy) return undefined;
  const peers = [...spec.networkPolicy.allowFrom].sort().map((from) => ({
    podSelector: {
      matchLabels: { "app.kubernetes.io/name": from, "app.kubernetes.io/part-of": ctx.project },
    },
  }));
  const fromIngress = spec.ingress
    ? [
        {
          namespaceSelector: {
            matchLabels: {
              "kubernetes.io/metadata.name": ingressControllerNamespace[ctx.env.cluster.flavour],
            },
          },
        },
      ]
    : [];
  const port = spec.deployment.port;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadata(ctx, spec.name),
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [...peers, ...fromIngress],
          ...(port !== undefined ? { ports: [{ port, protocol: "TCP" }] } : {}),
        },
      ],
    },
  };
}
