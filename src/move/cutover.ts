import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { managedSelector } from "../plan/live-state.ts";

/**
 * Stops the source's workloads once the target is healthy: Deployments scaled to zero through
 * the scale subresource, CronJobs suspended, each annotated with where it moved. Nothing is
 * deleted: scaling back up undoes it.
 */
export async function cutOver(
  cluster: Cluster,
  namespace: string,
  project: string,
  environment: string,
  services: readonly string[],
  note: string,
): Promise<string[]> {
  const selector = managedSelector(project, environment);
  const done: string[] = [];
  const mine = (labels: Record<string, string> | undefined): boolean =>
    services.includes(labels?.["app.kubernetes.io/name"] ?? "");
  const annotate = { metadata: { annotations: { "slipway.dev/cutover": note } } };
  for (const d of (await cluster.list("Deployment", namespace, selector)).items) {
    if (!mine(d.metadata?.labels)) continue;
    const name = d.metadata?.name ?? "";
    await cluster.request({
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`,
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 0 } },
    });
    await patch(cluster, `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, annotate);
    done.push(`Deployment/${name} scaled to 0`);
  }
  for (const c of (await cluster.list("CronJob", namespace, selector)).items) {
    if (!mine(c.metadata?.labels)) continue;
    const name = c.metadata?.name ?? "";
    await patch(cluster, `/apis/batch/v1/namespaces/${namespace}/cronjobs/${name}`, {
      ...annotate,
      spec: { suspend: true },
    });
    done.push(`CronJob/${name} suspended`);
  }
  return done;
}

async function patch(cluster: Cluster, path: string, body: unknown): Promise<void> {
  try {
    await cluster.request({ method: "PATCH", path, contentType: "application/merge-patch+json", body });
  } catch (error) {
    // Gone since it was listed: nothing left to stop.
    if (!(error instanceof KubernetesApiError && error.status === 404)) throw error;
  }
}
