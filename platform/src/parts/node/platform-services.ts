import { CoreV1Api, DiscoveryV1Api, type V1Service } from "@kubernetes/client-node";
import { apiStatusCode } from "../../kube-client.ts";
import { ports } from "../../versions.ts";
import { localPlane } from "../control-plane.ts";
import { planeAdminKubeConfig } from "../kube-identities.ts";
import type { PartContext } from "../part.ts";
import { realNode } from "./network.ts";

/** Where the platform's own servers have names that pods resolve. */
export const platformNamespace = "slipway-platform";

/** The servers pods reach by name: Services without selectors, their endpoint the node's bridge address. */
export const podFacingServers = {
  postgres: ports.postgres,
  search: ports.elasticsearchHttp,
} as const;

/** `http://search.slipway-platform.svc.cluster.local:29200`, as a pod calls it. */
export const podFacingUrl = (server: keyof typeof podFacingServers, scheme = "http"): string =>
  `${scheme}://${server}.${platformNamespace}.svc.cluster.local:${podFacingServers[server]}`;

const ignoreConflict = (error: unknown): void => {
  if (apiStatusCode(error) !== 409) throw error;
};

/** Idempotent: the namespace, and one Service plus EndpointSlice per server. */
export async function ensurePlatformServices(ctx: PartContext): Promise<void> {
  const kc = planeAdminKubeConfig(ctx, localPlane);
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  await core.createNamespace({ body: { metadata: { name: platformNamespace } } }).catch(ignoreConflict);
  for (const [name, port] of Object.entries(podFacingServers)) {
    const service: V1Service = {
      metadata: { name, namespace: platformNamespace },
      spec: { ports: [{ name: "main", port, targetPort: port, protocol: "TCP" }] },
    };
    await core.createNamespacedService({ namespace: platformNamespace, body: service }).catch(ignoreConflict);
    await discovery
      .createNamespacedEndpointSlice({
        namespace: platformNamespace,
        body: {
          metadata: {
            name: `${name}-node`,
            namespace: platformNamespace,
            labels: {
              "kubernetes.io/service-name": name,
              "endpointslice.kubernetes.io/managed-by": "slipway-platform",
            },
          },
          addressType: "IPv4",
          endpoints: [{ addresses: [realNode.address], conditions: { ready: true } }],
          ports: [{ name: "main", port, protocol: "TCP" }],
        },
      })
      .catch(ignoreConflict);
  }
}
