import type { Cluster } from "../clients/kubernetes/cluster.ts";
import {
  servicesIn,
  type EnvironmentModel,
  type ProjectModel,
  type ServiceModel,
} from "../definitions/model.ts";
import type { ReleaseRecord } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";

/** What runs in the environment a platform moves from: per service, its deployed release. */
export interface MoveSource {
  readonly services: readonly { readonly service: ServiceModel; readonly release: ReleaseRecord }[];
  /** Named or defined services with no deployed release in the source: nothing to move. */
  readonly notDeployed: readonly string[];
}

export async function readMoveSource(
  project: ProjectModel,
  from: EnvironmentModel,
  cluster: Cluster,
  only: readonly string[],
): Promise<MoveSource> {
  const store = new ReleaseStore(cluster, from.cluster.namespace);
  const summaries = await store.summaries();
  const defined = servicesIn(project, from.name, only);
  const services: { service: ServiceModel; release: ReleaseRecord }[] = [];
  const notDeployed: string[] = [];
  for (const service of defined) {
    const deployed = summaries
      .filter((s) => s.service === service.spec.name && s.status === "deployed")
      .sort((a, b) => b.revision - a.revision)[0];
    if (!deployed) notDeployed.push(service.spec.name);
    else services.push({ service, release: await store.get(service.spec.name, deployed.revision) });
  }
  return { services, notDeployed };
}

/**
 * The project as the target environment would deploy it: each moved service at the version
 * live in the source (its definition otherwise, rendered for the target's cluster flavour).
 */
export function projectAtSourceVersions(
  project: ProjectModel,
  to: EnvironmentModel,
  source: MoveSource,
): ProjectModel {
  const versions = new Map(source.services.map((s) => [s.service.spec.name, s.release.version]));
  const services = new Map(project.services);
  services.set(
    to.name,
    (project.services.get(to.name) ?? [])
      .filter((s) => versions.has(s.spec.name))
      .map((s) => ({ ...s, spec: { ...s.spec, version: versions.get(s.spec.name) as string } })),
  );
  return { ...project, services };
}

/** The image digests live in the source: what runs there is what the target gets. */
export function sourceDigests(source: MoveSource): Map<string, string> {
  return new Map(
    source.services.flatMap(({ service, release }) => {
      const digest = release.digests[service.spec.name];
      return digest ? [[service.spec.name, digest] as const] : [];
    }),
  );
}
