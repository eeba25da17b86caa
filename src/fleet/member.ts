import type { EnvironmentModel, FleetClusterModel, FleetModel } from "../definitions/model.ts";

/** The cluster a fleet's journal lives on, and where it reads as one environment: its first wave's first cluster. */
export const homeCluster = (fleet: FleetModel): string =>
  fleet.waves[0]?.clusters[0] ?? fleet.clusters[0]?.name ?? "";

/** Every cluster name of a fleet, in wave order. */
export const fleetClusterNames = (fleet: FleetModel): readonly string[] =>
  fleet.waves.flatMap((w) => w.clusters);

/**
 * The environment as it is on one cluster of its fleet: that cluster's context, namespace,
 * registry, databases and search. Every single-cluster part of Slipway (the plan, the procedure,
 * its lock, records, migrations and audit indices) then works on it unchanged.
 */
export function placeOnFleetCluster(
  env: Omit<EnvironmentModel, "cluster" | "registry" | "ingressClass" | "storageClass"> & {
    readonly fleet: FleetModel;
  },
  name: string,
): EnvironmentModel {
  const member: FleetClusterModel | undefined = env.fleet.clusters.find((c) => c.name === name);
  if (!member)
    throw new Error(
      `internal: no cluster "${name}" in the fleet (${env.fleet.clusters.map((c) => c.name).join(", ")})`,
    );
  const { databases: _databases, search: _search, ...rest } = env;
  return {
    ...rest,
    cluster: member.cluster,
    registry: member.registry,
    ...(member.databases ? { databases: member.databases } : {}),
    ...(member.search ? { search: member.search } : {}),
    ingressClass: member.ingressClass,
    storageClass: member.storageClass,
    member: name,
  };
}
