import type { KubernetesObject, V1CronJob, V1Deployment } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { liveVersionOf, managedSelector } from "../plan/live-state.ts";

export interface SideState {
  readonly version?: string;
  /** "ready/wanted" replicas of the Deployment; "-" for a service that runs none. */
  readonly ready: string;
  /** Every replica ready, or nothing to be ready (a service of only CronJobs and Jobs). */
  readonly healthy: boolean;
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
  const selector = managedSelector(project, env);
  const [deployments, cronJobs] = await Promise.all([
    cluster.list("Deployment", namespace, selector),
    cluster.list("CronJob", namespace, selector),
  ]);
  const workloads: KubernetesObject[] = [...deployments.items, ...cronJobs.items];
  const services = new Set(workloads.map((w) => w.metadata?.labels?.["app.kubernetes.io/name"] ?? ""));
  return new Map(
    [...services].map((service) => {
      const mine = workloads.filter((w) => w.metadata?.labels?.["app.kubernetes.io/name"] === service);
      const deployment = mine.find((w) => w.kind === "Deployment") as V1Deployment | undefined;
      const cronJob = mine.find((w) => w.kind === "CronJob") as V1CronJob | undefined;
      const version = liveVersionOf(mine, service);
      const image = (deployment?.spec?.template.spec ?? cronJob?.spec?.jobTemplate.spec?.template.spec)
        ?.containers[0]?.image;
      const ready = deployment
        ? `${deployment.status?.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 0}`
        : "-";
      return [
        service,
        {
          ...(version ? { version } : {}),
          ready,
          healthy: deployment
            ? (deployment.status?.readyReplicas ?? 0) === (deployment.spec?.replicas ?? 0)
            : true,
          ...(image ? { image } : {}),
        },
      ];
    }),
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
    // A service of only ad-hoc Jobs has no workload between deploys: nothing to compare.
    const left = a.get(service) ?? { ready: "-", healthy: true };
    const right = b.get(service) ?? { ready: "-", healthy: true };
    return {
      service,
      from: left,
      to: right,
      sameImage: digestOf(left.image) !== undefined && digestOf(left.image) === digestOf(right.image),
    };
  });
}
