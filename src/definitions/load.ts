import { dirname, join, resolve } from "node:path";
import type { EnvironmentInfo } from "./define.ts";
import { DefinitionError, shownPath, type DefinitionProblem } from "./errors.ts";
import { frozenCopy } from "./json-value.ts";
import { DefinitionLoader, type ImportDefault } from "./import-module.ts";
import type { ProjectModel, ServiceModel, UnsetParameter } from "./model.ts";
import type { ParameterOverride } from "./parameters.ts";
import { resolveForEnvironment } from "./resolve.ts";
import { serviceSchema } from "./schema/service.ts";
import { crossCheck, dependencyOrder } from "./validate.ts";
import { problemsFromIssues } from "./zod-problems.ts";
import { readAssets } from "./load/assets.ts";
import { environmentModels } from "./load/environments.ts";
import { patchProblems } from "./load/escape-hatch.ts";
import { mergeAcrossEnvironments, withoutFollowOns } from "./load/problems.ts";
import { readProjectFile } from "./load/project-file.ts";
import { readServiceFiles, serviceName } from "./load/service-files.ts";
import {
  openParameters,
  parametersOf,
  unknownServices,
  unsetOpenParameters,
} from "./load/service-parameters.ts";

/**
 * Loads slipway.config.ts and every services/<name>/service.ts, resolves them for each
 * environment, validates them, and reads the files they refer to. Throws one
 * DefinitionError listing every problem found.
 */
export async function loadProject(configPath: string, options: LoadOptions = {}): Promise<ProjectModel> {
  const loader = new DefinitionLoader();
  try {
    return await loadProjectWith(configPath, (file) => loader.importDefault(file), options);
  } finally {
    await loader.close();
  }
}

export interface LoadOptions {
  /** A deploy's --set overrides of parameters, for the one environment it deploys to. */
  readonly overrides?: { readonly environment: string; readonly set: readonly ParameterOverride[] };
  /**
   * Refuse a required parameter without a value in the overrides' environment (plan and deploy): other commands (history,
   * rollback, status) read the project without the deploy-time values a secret comes with.
   */
  readonly requireParameters?: boolean;
  /**
   * A required parameter without a value (where it is not refused) reaches the functions as a
   * visible placeholder instead of nothing: `render --placeholders`.
   */
  readonly placeholders?: boolean;
}

/**
 * loadProject with the import of the .ts files given: everything after the import (schemas,
 * environments, cross-checks, the files the definitions refer to) is the same. The fuzz harness
 * hands it definition objects it mutates in memory, since bundling and importing a file is slow.
 *
 * In phases (./load/): the project file, its environments, the service files; then each service
 * in each environment: its parameters, its definition resolved and checked, the files it refers
 * to; then the services of an environment against each other and the escape hatch against what
 * they render.
 */
export async function loadProjectWith(
  configPath: string,
  importDefault: ImportDefault,
  options: LoadOptions = {},
): Promise<ProjectModel> {
  const configFile = resolve(configPath);
  const root = dirname(configFile);
  const problems: DefinitionProblem[] = [];
  const project = await readProjectFile(configFile, importDefault);
  const { environments, indexOf } = environmentModels(project, shownPath(configFile), problems);
  const servicesDir = join(root, project.servicesDir ?? "services");
  const sources = await readServiceFiles(servicesDir, shownPath(configFile), importDefault, problems);

  const services = new Map<string, ServiceModel[]>();
  const unsetParameters: UnsetParameter[] = [];
  for (const env of environments) {
    // The declared type of `values` is the project's promise; the schema checked they are JSON.
    const info = {
      name: env.name,
      flavour: env.cluster.flavour,
      namespace: env.cluster.namespace,
      values: frozenCopy(env.values ?? {}),
      defaults: frozenCopy(env.defaults ?? {}),
      auditIndexPrefix: env.search?.indexPrefix ?? "",
    } as EnvironmentInfo;
    const models: ServiceModel[] = [];
    const overrides = options.overrides?.environment === env.name ? options.overrides.set : [];
    const environmentPath = `environments[${indexOf.get(env) ?? 0}].parameters`;
    problems.push(
      ...unknownServices(env, sources, overrides, shownPath(configFile), environmentPath).map((p) => ({
        ...p,
        environments: [env.name],
      })),
    );
    // What the services that fail to load would have offered the others: a reference to it is
    // not a second mistake.
    const unloaded = { services: new Set<string>(), configMaps: new Set<string>() };
    for (const source of sources) {
      const envProblems: DefinitionProblem[] = [];
      const name = serviceName(source.definition);
      // Only where this plan or deploy goes: another environment's values come with its own deploy.
      const required = options.requireParameters === true && options.overrides?.environment === env.name;
      const params = parametersOf(
        source,
        env,
        overrides,
        { configFile: shownPath(configFile), environmentPath, required },
        envProblems,
      );
      // Refused where required; elsewhere said by validate and render, which may show a placeholder.
      const unset = required ? [] : unsetOpenParameters(source, params);
      unsetParameters.push(
        ...unset.map((parameter) => ({
          environment: env.name,
          service: name ?? "",
          parameter,
          file: source.file,
        })),
      );
      const placeholders = options.placeholders ? unset : [];
      const resolveProblems: DefinitionProblem[] = [];
      const resolved = resolveForEnvironment(
        source.definition,
        info,
        source.file,
        resolveProblems,
        frozenCopy(openParameters(source, params, placeholders)),
      );
      envProblems.push(...resolveProblems);
      const parsed = serviceSchema.safeParse(resolved);
      if (!parsed.success)
        envProblems.push(
          ...withoutFollowOns(
            resolveProblems,
            problemsFromIssues(source.file, resolved, serviceSchema, parsed.error.issues),
          ),
        );
      // A service whose function threw has a hole where that value goes: checked with the
      // others, it would be blamed again for the hole ("needs host").
      if (!parsed.success || resolveProblems.length > 0) {
        if (name !== undefined) unloaded.services.add(name);
        const configMaps = (resolved as { configMaps?: unknown } | null)?.configMaps;
        if (configMaps !== null && typeof configMaps === "object")
          for (const configMap of Object.keys(configMaps)) unloaded.configMaps.add(configMap);
      } else if (name !== undefined) {
        models.push({ ...readAssets(source, parsed.data, envProblems), parameters: params });
      }
      problems.push(...envProblems.map((p) => ({ ...p, environments: [env.name] })));
    }
    problems.push(...crossCheck(models, env, unloaded).map((p) => ({ ...p, environments: [env.name] })));
    problems.push(...patchProblems(project.name, env, models));
    services.set(env.name, dependencyOrder(models));
  }

  if (problems.length > 0)
    throw new DefinitionError(
      mergeAcrossEnvironments(
        problems,
        environments.map((e) => e.name),
      ),
    );
  return { root, name: project.name, environments, services, unsetParameters };
}
