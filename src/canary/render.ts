import type { KubernetesObject } from "@kubernetes/client-node";
import { canaryDeploymentName, trackLabel } from "./names.ts";

/**
 * The canary's objects, made from the stable ones the plan rendered: the same pod template (the
 * new version), the track label on the object, its selector and its pods, and its own replica
 * count. Made here rather than by the renderer: they live only while a canary runs, never in a
 * release's objects, so a rollback or a prune never has to know them.
 */

interface DeploymentShape extends KubernetesObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> } };
  } & Record<string, unknown>;
}

interface ServiceShape extends KubernetesObject {
  spec?: {
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  } & Record<string, unknown>;
}

const tracked = (labels: Record<string, string> | undefined): Record<string, string> => ({
  ...labels,
  [trackLabel]: "canary",
});

export function canaryDeployment(stable: KubernetesObject, replicas: number): KubernetesObject {
  const source = structuredClone(stable) as DeploymentShape;
  const name = canaryDeploymentName(source.metadata?.name ?? "");
  const spec = source.spec ?? {};
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      ...(source.metadata?.namespace ? { namespace: source.metadata.namespace } : {}),
      labels: tracked(source.metadata?.labels),
      ...(source.metadata?.annotations ? { annotations: source.metadata.annotations } : {}),
    },
    spec: {
      ...spec,
      replicas,
      selector: { matchLabels: tracked(spec.selector?.matchLabels) },
      template: {
        ...spec.template,
        metadata: { ...spec.template?.metadata, labels: tracked(spec.template?.metadata?.labels) },
      },
    },
  } as KubernetesObject;
}

/** A ClusterIP Service of the canary's pods alone: what its verification Jobs call. */
export function canaryService(stable: KubernetesObject): KubernetesObject {
  const source = stable as ServiceShape;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: canaryDeploymentName(source.metadata?.name ?? ""),
      ...(source.metadata?.namespace ? { namespace: source.metadata.namespace } : {}),
      labels: tracked(source.metadata?.labels),
    },
    spec: {
      type: "ClusterIP",
      selector: tracked(source.spec?.selector),
      ports: (source.spec?.ports ?? []).map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
        protocol: p.protocol ?? "TCP",
      })),
    },
  } as KubernetesObject;
}

/** Where the canary Service answers inside the cluster. */
export function canaryUrl(service: KubernetesObject): string | undefined {
  const source = service as ServiceShape;
  const port = source.spec?.ports?.[0]?.port;
  const name = source.metadata?.name;
  const namespace = source.metadata?.namespace;
  if (port === undefined || !name || !namespace) return undefined;
  return `http://${name}.${namespace}.svc.cluster.local:${port}`;
}
