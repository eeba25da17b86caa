import type { KubernetesObject } from "@kubernetes/client-node";
import type { EnvironmentModel } from "../../definitions/model.ts";
import { cutOverWorkloads } from "../../move/cutover.ts";
import { failed, type GateCheck } from "./types.ts";

/**
 * An environment whose platform was cut over to another cluster is not deployed to: a deploy (or
 * a rollback) would start its workloads again beside the platform that moved, on the same
 * databases. Undoing the cutover is its own, explicit command.
 */
export function checkCutover(
  env: EnvironmentModel,
  live: ReadonlyMap<string, KubernetesObject>,
  services: readonly string[],
): GateCheck | undefined {
  const stopped = cutOverWorkloads(live, services);
  const first = stopped[0];
  if (!first) return undefined;
  const more = stopped.length > 1 ? ` and ${stopped.length - 1} more` : "";
  return failed("cutover", `${env.name} was cut over to ${first.to}`, [
    `${first.object}${more} ${first.note}: a deploy here would run it again beside ${first.to}; deploy to ${first.to}, ` +
      `or run ${env.name} again first: slipway cluster move --from ${env.name} --to ${first.to} --revert-cutover`,
  ]);
}
