import type { V1Deployment } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { managedSelector } from "../plan/live-state.ts";

export interface SideState {
  readonly version?: string;
  readonly ready: string;
  readonly image?: string;
}

export interface ComparisonRow {
  readonly service: string;
  readonly from: SideState;
  readonly to: SideState;
  /** Same image digest on both sides. */
  readonly sameImage: boolean;
}

async function side(
  cluster: Cluster,
  namespace: string,
  project: string,
  env: string,
): Promise<Map<string, SideState>> {
  const list = await cluster.list("Deployment", namespace, managedSelector(project, env));
  return new Map(
    (list.items as V1Deployment[]).map((d) => [
      d.metadata?.labels?.["app.kubernetes.io/name"] ?? "",
      {
        ...(d.metadata?.annotations?.["slipway.dev/version"]
          ? { version: d.metadata.annotations["slipway.dev/version"] }
          : {}),
        ready: `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        ...(d.spec?.template.spec?.containers[0]?.image
          ? { image: d.spec.template.spec.containers[0].image }
          : {}),
      },
    ]),
  );
}

const digestOf = (image: string | undefined): string | undefined => image?.split("@")[1];

/** Each service's version, readiness and image on both sides of a move. */
export async function compareSides(
  project: string,
  services: readonly string[],
  from: { cluster: Cluster; namespace: string; env: string },
  to: { cluster: Cluster; namespace: string; env: string },
): Promise<ComparisonRow[]> {
  const [a, b] = await Promise.all([
    side(from.cluster, from.namespace, project, from.env),
    side(to.cluster, to.namespace, project, to.env),
  ]);
  return services.map((service) => {
    const left = a.get(service) ?? { ready: "-" };
    const right = b.get(service) ?? { ready: "-" };
    return {
      service,
      from: left,
      to: right,
      sameImage: digestOf(left.image) !== undefined && digestOf(left.image) === digestOf(right.image),
    };
  });
}
