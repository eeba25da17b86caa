import type { EnvironmentModel } from "../definitions/model.ts";
import { fleetClusterNames, placeOnFleetCluster } from "../fleet/member.ts";

/** A matrix column's name: the environment's, or `prod · eu-1` for one cluster of a fleet. */
export const columnName = (env: EnvironmentModel): string =>
  env.member ? `${env.name} · ${env.member}` : env.name;

/**
 * What the dashboard reads: each environment as it is, and a fleet as one environment per
 * cluster, in wave order, each placed on its own cluster (context, namespace: its own client).
 * The first of a fleet's is its home cluster, where an environment page reads the fleet.
 */
export const readPlaces = (environments: readonly EnvironmentModel[]): EnvironmentModel[] =>
  environments.flatMap((env) => {
    const fleet = env.fleet;
    return fleet
      ? fleetClusterNames(fleet).map((name) => placeOnFleetCluster({ ...env, fleet }, name))
      : [env];
  });
