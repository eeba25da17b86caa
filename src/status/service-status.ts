import type { V1Deployment } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import type { ServiceStatus } from "../output/documents.ts";
import { liveVersionOf, managedSelector } from "../plan/live-state.ts";
import { ReleaseStore } from "../release/store.ts";

/** Each service of the environment on its cluster: live and defined version, ready pods, last deploy. */
export async function serviceStatuses(
  project: ProjectModel,
  env: EnvironmentModel,
  cluster: Cluster,
): Promise<ServiceStatus[]> {
  const namespace = env.cluster.namespace;
  const selector = managedSelector(project.name, env.name);
  const [deployments, cronJobs, summaries] = await Promise.all([
    cluster.list("Deployment", namespace, selector),
    cluster.list("CronJob", namespace, selector),
    new ReleaseStore(cluster, namespace).summaries(),
  ]);
  return (project.services.get(env.name) ?? []).map((service): ServiceStatus => {
    const name = service.spec.name;
    const live = deployments.items.find((d) => d.metadata?.labels?.["app.kubernetes.io/name"] === name) as
      V1Deployment | undefined;
    const liveVersion = liveVersionOf([...deployments.items, ...cronJobs.items], name);
    const last = summaries.find((s) => s.service === name);
    return {
      service: name,
      liveVersion: liveVersion ?? null,
      definedVersion: service.spec.version,
      upToDate: liveVersion === service.spec.version,
      ready: live ? `${live.status?.readyReplicas ?? 0}/${live.spec?.replicas ?? 0}` : "-",
      lastDeploy: last
        ? {
            revision: last.revision,
            status: last.status,
            at: last.finishedAt ?? last.startedAt,
            by: last.deployedBy,
            description: last.description,
            overrides: last.overrides ?? [],
            ...(last.breakGlass ? { breakGlass: last.breakGlass } : {}),
          }
        : null,
    };
  });
}
