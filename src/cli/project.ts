import { placeOnFleetCluster } from "../fleet/member.ts";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadProject, type LoadOptions } from "../definitions/load.ts";
import { configFileName } from "../definitions/load/project-file.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { UsageError } from "./usage-error.ts";

/** Finds slipway.config.ts: the --config path, else the nearest one from the working folder up. */
export function findConfig(explicit: string | undefined): string {
  if (explicit) {
    const path = resolve(explicit);
    // A folder stands for the project file in it.
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, configFileName) : path;
    if (!existsSync(file))
      throw new UsageError(
        `--config ${explicit}: ${file === path ? "no such file" : `no ${configFileName} in that folder`}`,
        `pass the path of the project's ${configFileName}, or run from the project without --config`,
      );
    return file;
  }
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, configFileName);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new UsageError(
        `no ${configFileName} in ${process.cwd()} or above`,
        "run from a Slipway project, or pass --config <path>",
      );
    dir = parent;
  }
}

export async function openProject(
  explicit: string | undefined,
  options: LoadOptions = {},
): Promise<ProjectModel> {
  return loadProject(findConfig(explicit), options);
}

export function environmentNamed(project: ProjectModel, name: string): EnvironmentModel {
  const env = project.environments.find((e) => e.name === name);
  if (!env)
    throw new UsageError(
      `no environment "${name}"`,
      `environments: ${project.environments.map((e) => e.name).join(", ")}`,
    );
  return env;
}

/**
 * The environment on the cluster --cluster names. A fleet without --cluster is refused unless
 * the command acts on the whole fleet; --cluster on a single-cluster environment is refused.
 */
export function onChosenCluster(
  env: EnvironmentModel,
  cluster: string | undefined,
  fleet: "whole" | "one-cluster",
): EnvironmentModel {
  if (!env.fleet) {
    if (cluster !== undefined)
      throw new UsageError(
        `environment "${env.name}" runs on one cluster (${env.cluster.context}/${env.cluster.namespace}): --cluster names a cluster of a fleet`,
        "leave --cluster out",
      );
    return env;
  }
  const names = env.fleet.clusters.map((c) => c.name);
  if (cluster === undefined) {
    if (fleet === "whole") return env;
    throw new UsageError(
      `environment "${env.name}" is a fleet of ${names.length} clusters (${names.join(", ")}): this command acts on one`,
      `name it: --cluster ${names[0]}`,
    );
  }
  if (!names.includes(cluster))
    throw new UsageError(
      `no cluster "${cluster}" in environment "${env.name}"`,
      `clusters: ${names.join(", ")}`,
    );
  return placeOnFleetCluster({ ...env, fleet: env.fleet }, cluster);
}

export function checkServiceNames(project: ProjectModel, env: string, names: readonly string[]): void {
  const known = (project.services.get(env) ?? []).map((s) => s.spec.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new UsageError(
      `no service ${unknown.map((n) => `"${n}"`).join(", ")}`,
      `services: ${known.join(", ")}`,
    );
}
