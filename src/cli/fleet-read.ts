import type { Command } from "commander";
import type { FleetClusterRead } from "../output/documents.ts";
import { fleetSessions, type FleetEnvironment } from "./fleet-sessions.ts";
import type { Session } from "./session.ts";

/**
 * Reads every cluster of a fleet at once, each with its own client; a cluster that cannot be
 * read is said as such and does not hide the others.
 */
export async function readEachCluster<T>(
  session: Session & { readonly env: FleetEnvironment },
  cmd: Command,
  read: (member: Session) => Promise<T>,
): Promise<FleetClusterRead<T>[]> {
  return Promise.all(
    fleetSessions(session, cmd).map(async ({ name, session: member }) => {
      const where = {
        cluster: name,
        context: member.env.cluster.context,
        namespace: member.env.cluster.namespace,
      };
      try {
        return { ...where, result: await read(member) };
      } catch (error) {
        return {
          ...where,
          error: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "",
        };
      }
    }),
  );
}
