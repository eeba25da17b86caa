import type { DefinitionProblem } from "../errors.ts";
import { flavourDefaults, type EnvironmentModel } from "../model.ts";
import { environmentSchema } from "../schema/environment.ts";
import type { ResolvedProject } from "../schema/project.ts";
import { problemsFromIssues } from "../zod-problems.ts";
import { homeCluster, placeOnFleetCluster } from "../../fleet/member.ts";
import { fleetModel } from "./fleet.ts";

/** Each environment's model, with where it sits in the project file (for paths in problems). */
export interface Environments {
  readonly environments: EnvironmentModel[];
  readonly indexOf: ReadonlyMap<EnvironmentModel, number>;
}

/**
 * The project's environments, each checked by the environment schema and then against the
 * others (names, promotions, approvals); every problem goes into `problems`. `configFile` is the
 * project file as problems name it.
 */
export function environmentModels(
  project: ResolvedProject,
  configFile: string,
  problems: DefinitionProblem[],
): Environments {
  const environments: EnvironmentModel[] = [];
  // Where each valid environment sits in the file, for paths; and the names of the invalid
  // ones, which a promotion may name without that being a second mistake.
  const indexOf = new Map<EnvironmentModel, number>();
  const invalidNames = new Set<unknown>();
  project.environments.forEach((raw, i) => {
    const parsed = environmentSchema.safeParse(raw);
    if (!parsed.success) {
      invalidNames.add((raw as { name?: unknown } | null)?.name);
      problems.push(
        ...problemsFromIssues(configFile, raw, environmentSchema, parsed.error.issues).map((p) => ({
          ...p,
          path: `environments[${i}]${p.path ? `.${p.path}` : ""}`,
        })),
      );
      return;
    }
    const env = parsed.data;
    if (environments.some((e) => e.name === env.name)) {
      problems.push({
        file: configFile,
        path: `environments[${i}].name`,
        message: `environment "${env.name}" is defined twice`,
      });
    }
    // A required check the environment cannot run would block every deploy: say so at load time.
    env.requires?.forEach((check, j) => {
      const lacking =
        check === "ci" && !env.ci
          ? 'names no CI server, so there is no build to check (add ci: { url: "https://jenkins.example.org" })'
          : check === "promotion" && !env.promotion
            ? 'names no earlier environment to promote from (add promotion: { from: "dev" })'
            : (check === "signature" || check === "provenance") && !env.signatures
              ? 'names no keys its images are signed with (add signatures: { keys: [{ name: "ci", file: "keys/ci.pub" }] })'
              : undefined;
      if (lacking)
        problems.push({
          file: configFile,
          path: `environments[${i}].requires[${j}]`,
          message: `requires the ${check} check, but environment "${env.name}" ${lacking}`,
        });
    });
    const fleet = fleetModel(env, `environments[${i}]`, configFile, problems);
    const { cluster, clusters: _clusters, waves: _waves, ...common } = env;
    const windows = [...(project.windows ?? []), ...(env.windows ?? [])];
    let model: EnvironmentModel;
    if (fleet) {
      // Until a cluster is chosen, a fleet reads as its first wave's first cluster (the journal's home).
      const { member: _member, ...home } = placeOnFleetCluster(
        { ...common, ...(windows.length ? { windows } : {}), fleet },
        homeCluster(fleet),
      );
      model = home;
    } else if (cluster) {
      const defaults = flavourDefaults[cluster.flavour];
      model = {
        ...common,
        cluster,
        ...(windows.length ? { windows } : {}),
        ingressClass: cluster.ingressClass ?? defaults.ingressClass,
        storageClass: cluster.storageClass ?? defaults.storageClass,
      };
    } else return;
    environments.push(model);
    indexOf.set(model, i);
  });

  environments.forEach((env) => {
    if (env.approval && !env.promotion)
      problems.push({
        file: configFile,
        path: `environments[${indexOf.get(env) ?? 0}].approval`,
        message: `approval is of a promotion, but environment "${env.name}" names no earlier environment to promote from (add promotion: { from: "dev" })`,
      });
    const from = env.promotion?.from;
    if (from !== undefined && invalidNames.has(from)) return;
    if (from !== undefined && (from === env.name || !environments.some((e) => e.name === from)))
      problems.push({
        file: configFile,
        path: `environments[${indexOf.get(env) ?? 0}].promotion.from`,
        message:
          from === env.name
            ? "an environment cannot be promoted from itself"
            : `no environment "${from}" (environments: ${environments.map((e) => e.name).join(", ")})`,
      });
  });
  return { environments, indexOf };
}
