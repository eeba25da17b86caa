import type { Command } from "commander";
import { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { readLiveState } from "../plan/live-state.ts";
import { buildPlan, type Plan } from "../plan/plan.ts";
import { ReleaseStore } from "../release/store.ts";
import { checkServiceNames, environmentNamed, openProject } from "./project.ts";

export interface GlobalOptions {
  readonly config?: string;
  readonly kubeconfig?: string;
}

/** A project, one of its environments, and a client for that environment's cluster. */
export interface Session {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  readonly cluster: Cluster;
}

export async function openSession(
  cmd: Command,
  envName: string,
  services: readonly string[] = [],
): Promise<Session> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const project = await openProject(globals.config);
  const env = environmentNamed(project, envName);
  checkServiceNames(project, env.name, services);
  const cluster = Cluster.open(env.cluster.context, globals.kubeconfig);
  return { project, env, cluster };
}

export async function planFor(
  session: Session,
  services: readonly string[],
  signal?: AbortSignal,
): Promise<Plan> {
  const namespace = session.env.cluster.namespace;
  const [live, releases] = await Promise.all([
    readLiveState(session.cluster, namespace, session.project.name, session.env.name, signal),
    new ReleaseStore(session.cluster, namespace).summaries(),
  ]);
  return buildPlan({ project: session.project, env: session.env, only: services, live, releases });
}

export const isTerminal = (stream: NodeJS.WritableStream): boolean =>
  (stream as NodeJS.WriteStream).isTTY === true;
