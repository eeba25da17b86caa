import type { Command } from "commander";
import { SearchClient } from "../clients/search/client.ts";
import type { PlanningSession } from "../plan/plan-for-session.ts";
import type { ParameterOverride } from "../definitions/parameters.ts";
import { openCluster } from "./kube.ts";
import { checkServiceNames, environmentNamed, onChosenCluster, openProject } from "./project.ts";

export interface GlobalOptions {
  readonly config?: string;
  readonly kubeconfig?: string;
  /** In a fleet environment: the one cluster to act on. */
  readonly cluster?: string;
}

/**
 * A project, one of its environments, and a client for that environment's cluster, opened
 * from the command line's kubeconfig (other environments' clusters with the same kubeconfig).
 */
export type Session = PlanningSession;

export async function openSession(
  cmd: Command,
  envName: string,
  services: readonly string[] = [],
  /** Given by plan and deploy: their --set values, and required parameters must have one. */
  overrides?: readonly ParameterOverride[],
  /** The command acts on a whole fleet itself (deploy): without --cluster, the session is its home cluster's. */
  fleet: "whole" | "one-cluster" = "one-cluster",
): Promise<Session> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const project = await openProject(
    globals.config,
    overrides ? { overrides: { environment: envName, set: overrides }, requireParameters: true } : {},
  );
  const env = onChosenCluster(environmentNamed(project, envName), globals.cluster, fleet);
  checkServiceNames(project, env.name, services);
  const cluster = openCluster(env, globals.kubeconfig);
  return {
    project,
    env,
    cluster,
    clusterFor: (other) =>
      other.cluster.context === env.cluster.context ? cluster : openCluster(other, globals.kubeconfig),
    ...(env.search ? { search: SearchClient.fromEnvironment(env.search.url) } : {}),
  };
}

export const isTerminal = (stream: NodeJS.WritableStream): boolean =>
  (stream as NodeJS.WriteStream).isTTY === true;
