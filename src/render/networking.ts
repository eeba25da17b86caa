import type {
  V1Ingress,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
  V1ObjectMeta,
  V1Service,
} from "@kubernetes/client-node";
import { ingressRules, servicePorts } from "../definitions/networking.ts";
import { metadata, selectorLabels, serviceLabel, type RenderContext } from "./labels.ts";

export function renderKubernetesService(ctx: RenderContext): V1Service | undefined {
  const ports = servicePorts(ctx.service.spec);
  if (ports.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(ctx, ctx.service.spec.name),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ctx),
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: "TCP" })),
    },
  };
}

export function renderIngress(ctx: RenderContext): V1Ingress | undefined {
  const { spec } = ctx.service;
  const rules = ingressRules(spec);
  if (!spec.ingress || rules.length === 0 || !spec.service) return undefined;
  // One TLS entry per certificate, listing the hosts it serves, in the order first written.
  const tls = new Map<string, string[]>();
  for (const rule of rules)
    if (rule.tlsSecret) tls.set(rule.tlsSecret, [...(tls.get(rule.tlsSecret) ?? []), rule.host]);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: withAnnotations(metadata(ctx, spec.name), spec.ingress.annotations),
    spec: {
      ingressClassName: spec.ingress.className ?? ctx.env.ingressClass,
      ...(tls.size ? { tls: [...tls].map(([secretName, hosts]) => ({ hosts, secretName })) } : {}),
      rules: rules.map((rule) => ({
        host: rule.host,
        http: {
          paths: rule.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType,
            backend: { service: { name: spec.name, port: { number: p.port.port } } },
          })),
        },
      })),
    },
  };
}

/** The user's annotations beside Slipway's own, which they cannot replace. */
function withAnnotations(meta: V1ObjectMeta, annotations: Record<string, string> | undefined): V1ObjectMeta {
  return annotations ? { ...meta, annotations: { ...annotations, ...meta.annotations } } : meta;
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
  // The allowed services' pods, and their Jobs' and the service's own (a smoke test calls it).
  const peers: V1NetworkPolicyPeer[] = [...spec.networkPolicy.allowFrom]
    .sort()
    .flatMap((from): V1NetworkPolicyPeer[] => [
      {
        podSelector: {
          matchLabels: { "app.kubernetes.io/name": from, "app.kubernetes.io/part-of": ctx.project },
        },
      },
      { podSelector: { matchLabels: { [serviceLabel]: from, "app.kubernetes.io/part-of": ctx.project } } },
    ]);
  peers.push({
    podSelector: { matchLabels: { [serviceLabel]: spec.name, "app.kubernetes.io/part-of": ctx.project } },
  });
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
  // Every port the Service targets, or the container's port when there is no Service.
  const targets = [...new Set(servicePorts(spec).map((p) => p.targetPort))];
  const ports = targets.length ? targets : spec.deployment?.port !== undefined ? [spec.deployment.port] : [];
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
          ...(ports.length ? { ports: ports.map((port) => ({ port, protocol: "TCP" })) } : {}),
        },
      ],
    },
  };
}
