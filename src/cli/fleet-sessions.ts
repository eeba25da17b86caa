import type { Command } from "commander";
import { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, FleetModel } from "../definitions/model.ts";
import { fleetClusterNames, placeOnFleetCluster } from "../fleet/member.ts";
import { openCluster } from "./kube.ts";
import type { GlobalOptions, Session } from "./session.ts";

/** A fleet environment, before a cluster is chosen. */
export type FleetEnvironment = EnvironmentModel & { readonly fleet: FleetModel };

/** The session was opened on a whole fleet (no --cluster): the command reads or acts on each cluster. */
export const isWholeFleet = (session: Session): session is Session & { readonly env: FleetEnvironment } =>
  session.env.fleet !== undefined && session.env.member === undefined;

/** The session of each cluster of the fleet, in wave order: the environment placed on it, a client for it. */
export function fleetSessions(
  session: Session & { readonly env: FleetEnvironment },
  cmd: Command,
): { readonly name: string; readonly session: Session }[] {
  const { kubeconfig } = cmd.optsWithGlobals<GlobalOptions>();
  return fleetClusterNames(session.env.fleet).map((name) => {
    const env = placeOnFleetCluster(session.env, name);
    const cluster = openCluster(env, kubeconfig);
    return {
      name,
      session: {
        project: session.project,
        env,
        cluster,
        clusterFor: (other) => (other.name === env.name ? cluster : session.clusterFor(other)),
        ...(env.search ? { search: SearchClient.fromEnvironment(env.search.url) } : {}),
      },
    };
  });
}
