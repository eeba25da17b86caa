import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { EnvironmentInfo } from "./define.ts";
import { DefinitionError, type DefinitionProblem } from "./errors.ts";
import { frozenCopy } from "./json-value.ts";
import { migrationSet } from "./flyway.ts";
import { DefinitionLoader, loadFailureMessage } from "./import-module.ts";
import {
  flavourDefaults,
  type UnsetParameter,
  type CallContract,
  type EnvironmentModel,
  type JsonSchema,
  type MigrationFile,
  type ProjectModel,
  type ServiceModel,
} from "./model.ts";
import {
  parametersSecretName,
  parameterValues,
  placeholderFor,
  type ParameterOverride,
  type ParameterValue,
} from "./parameters.ts";
import { resolveForEnvironment } from "./resolve.ts";
import { environmentSchema } from "./schema/environment.ts";
import type { ParameterDeclaration } from "./schema/parameters.ts";
import { projectSchema } from "./schema/project.ts";
import { serviceSchema, type ResolvedService } from "./schema/service.ts";
import { crossCheck, dependencyOrder } from "./validate.ts";
import { requestSchemaProblems } from "../checks/calls/schema-problems.ts";
import { PatchError } from "../render/patches.ts";
import { renderJobTemplates, renderServiceObjects } from "../render/render.ts";
import { problemsFromIssues } from "./zod-problems.ts";

export const configFileName = "slipway.config.ts";

interface ServiceSource {
  readonly file: string;
  readonly absolute: string;
  readonly definition: unknown;
}

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

/** Gives a definition file's default export (undefined when it has none); throws when the file cannot be loaded. */
export type ImportDefault = (file: string) => Promise<unknown>;

/**
 * loadProject with the import of the .ts files given: everything after the import (schemas,
 * environments, cross-checks, the files the definitions refer to) is the same. The fuzz harness
 * hands it definition objects it mutates in memory, since bundling and importing a file is slow.
 */
export async function loadProjectWith(
  configPath: string,
  importDefault: ImportDefault,
  options: LoadOptions = {},
): Promise<ProjectModel> {
  const configFile = resolve(configPath);
  const root = dirname(configFile);
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  const problems: DefinitionProblem[] = [];

  if (!existsSync(configFile)) {
    throw new DefinitionError([
      {
        file: rel(configFile),
        path: "",
        message: `not found (expected a project file named ${configFileName})`,
      },
    ]);
  }
  let rawProject: unknown;
  try {
    rawProject = await importDefault(configFile);
  } catch (error) {
    throw new DefinitionError([
      { file: rel(configFile), path: "", message: `cannot be loaded: ${loadFailureMessage(error)}` },
    ]);
  }
  const project = projectSchema.safeParse(rawProject);
  if (!project.success) {
    throw new DefinitionError(
      rawProject === undefined
        ? [
            {
              file: rel(configFile),
              path: "",
              message: "has no default export (expected `export default defineProject({...})`)",
            },
          ]
        : problemsFromIssues(rel(configFile), rawProject, projectSchema, project.error.issues),
    );
  }

  const environments: EnvironmentModel[] = [];
  // Where each valid environment sits in the file, for paths; and the names of the invalid
  // ones, which a promotion may name without that being a second mistake.
  const indexOf = new Map<EnvironmentModel, number>();
  const invalidNames = new Set<unknown>();
  project.data.environments.forEach((raw, i) => {
    const parsed = environmentSchema.safeParse(raw);
    if (!parsed.success) {
      invalidNames.add((raw as { name?: unknown } | null)?.name);
      problems.push(
        ...problemsFromIssues(rel(configFile), raw, environmentSchema, parsed.error.issues).map((p) => ({
          ...p,
          path: `environments[${i}]${p.path ? `.${p.path}` : ""}`,
        })),
      );
      return;
    }
    const env = parsed.data;
    if (environments.some((e) => e.name === env.name)) {
      problems.push({
        file: rel(configFile),
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
          file: rel(configFile),
          path: `environments[${i}].requires[${j}]`,
          message: `requires the ${check} check, but environment "${env.name}" ${lacking}`,
        });
    });
    const defaults = flavourDefaults[env.cluster.flavour];
    const windows = [...(project.data.windows ?? []), ...(env.windows ?? [])];
    const model: EnvironmentModel = {
      ...env,
      ...(windows.length ? { windows } : {}),
      ingressClass: env.cluster.ingressClass ?? defaults.ingressClass,
      storageClass: env.cluster.storageClass ?? defaults.storageClass,
    };
    environments.push(model);
    indexOf.set(model, i);
  });

  environments.forEach((env) => {
    if (env.approval && !env.promotion)
      problems.push({
        file: rel(configFile),
        path: `environments[${indexOf.get(env) ?? 0}].approval`,
        message: `approval is of a promotion, but environment "${env.name}" names no earlier environment to promote from (add promotion: { from: "dev" })`,
      });
    const from = env.promotion?.from;
    if (from !== undefined && invalidNames.has(from)) return;
    if (from !== undefined && (from === env.name || !environments.some((e) => e.name === from)))
      problems.push({
        file: rel(configFile),
        path: `environments[${indexOf.get(env) ?? 0}].promotion.from`,
        message:
          from === env.name
            ? "an environment cannot be promoted from itself"
            : `no environment "${from}" (environments: ${environments.map((e) => e.name).join(", ")})`,
      });
  });

  const servicesDir = join(root, project.data.servicesDir ?? "services");
  const sources: ServiceSource[] = [];
  if (!existsSync(servicesDir) || !statSync(servicesDir).isDirectory()) {
    problems.push({
      file: rel(configFile),
      path: "servicesDir",
      message: `folder ${rel(servicesDir)} not found (expected one <service>/service.ts per service)`,
    });
  } else {
    for (const entry of readdirSync(servicesDir).sort()) {
      const absolute = join(servicesDir, entry, "service.ts");
      if (!existsSync(absolute)) continue;
      try {
        const definition = await importDefault(absolute);
        if (definition === undefined) {
          problems.push({
            file: rel(absolute),
            path: "",
            message: "has no default export (expected `export default defineService({...})`)",
          });
        } else {
          sources.push({ file: rel(absolute), absolute, definition });
        }
      } catch (error) {
        problems.push({
          file: rel(absolute),
          path: "",
          message: `cannot be loaded: ${loadFailureMessage(error)}`,
        });
      }
    }
  }

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
      ...unknownServices(env, sources, overrides, rel(configFile), environmentPath).map((p) => ({
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
        { configFile: rel(configFile), environmentPath, required },
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
    problems.push(...patchProblems(project.data.name, env, models));
    services.set(env.name, dependencyOrder(models));
  }

  if (problems.length > 0)
    throw new DefinitionError(
      mergeAcrossEnvironments(
        problems,
        environments.map((e) => e.name),
      ),
    );
  return { root, name: project.data.name, environments, services, unsetParameters };
}

/**
 * Schema problems at a field whose function threw: the field has no value because of the
 * problem said already, so "is required" there would be a second error for one mistake.
 */
function withoutFollowOns(
  resolveProblems: readonly DefinitionProblem[],
  schemaProblems: readonly DefinitionProblem[],
): DefinitionProblem[] {
  const failed = resolveProblems.map((p) => p.path);
  return schemaProblems.filter(
    (p) =>
      !failed.some(
        (path) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
      ),
  );
}

/** The parameters as the service declares them; none when the declarations are wrong (the schema says so). */
const declaredParameters = (source: ServiceSource): Readonly<Record<string, ParameterDeclaration>> =>
  serviceSchema.shape.parameters.safeParse((source.definition as { parameters?: unknown } | null)?.parameters)
    .data ?? {};

/**
 * Required parameters without a value, other than secret ones: a secret one is a reference to a
 * key of a Secret wherever it is read, given at deploy time with --set-from-env.
 */
const unsetOpenParameters = (
  source: ServiceSource,
  values: Readonly<Record<string, ParameterValue>>,
): string[] =>
  Object.entries(declaredParameters(source))
    .filter(([name, d]) => d.required === true && d.secret !== true && !(name in values))
    .map(([name]) => name);

const serviceName = (definition: unknown): string | undefined => {
  const name = (definition as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
};

/**
 * A service's parameter values in an environment, found before the rest of its definition is
 * resolved, since its functions read them. Declarations the schema refuses give no values here:
 * the schema says what is wrong with them once the definition is parsed.
 */
function parametersOf(
  source: ServiceSource,
  env: EnvironmentModel,
  overrides: readonly ParameterOverride[],
  where: { readonly configFile: string; readonly environmentPath: string; readonly required: boolean },
  problems: DefinitionProblem[],
): Readonly<Record<string, ParameterValue>> {
  const service = serviceName(source.definition) ?? "";
  const declared = serviceSchema.shape.parameters.safeParse(
    (source.definition as { parameters?: unknown } | null)?.parameters,
  );
  if (!declared.success) return {};
  const { values, problems: found } = parameterValues(
    service,
    declared.data ?? {},
    env.parameters?.[service] ?? {},
    overrides.filter((o) => o.service === service),
    { serviceFile: source.file, ...where },
  );
  problems.push(...found);
  return values;
}

/**
 * The parameters a service's functions see. A secret one is a reference to the key of the Secret
 * the deploy writes it into, never its value: whatever a function returns is rendered into objects
 * that plans show and release records keep.
 */
function openParameters(
  source: ServiceSource,
  values: Readonly<Record<string, ParameterValue>>,
  placeholders: readonly string[],
): Record<string, ParameterValue | { secret: string; key: string }> {
  const declared = declaredParameters(source);
  const secret = (name: string): boolean => declared[name]?.secret === true;
  const service = serviceName(source.definition) ?? "";
  const reference = (name: string) => ({ secret: parametersSecretName(service), key: name });
  // A required one is a reference even without its value: that is reported once, as missing
  // where a deploy needs it, not again by each field that reads it.
  const required = Object.entries(declared)
    .filter(([name, d]) => d.secret && d.required && !(name in values))
    .map(([name]) => [name, reference(name)] as const);
  return Object.fromEntries([
    ...Object.entries(values).map(([name, value]) => [name, secret(name) ? reference(name) : value] as const),
    ...required,
    ...placeholders.map((name) => [name, placeholderFor(service, name)] as const),
  ]);
}

/** Parameters given for services that do not exist: in the environment, or with --set. */
function unknownServices(
  env: EnvironmentModel,
  sources: readonly ServiceSource[],
  overrides: readonly ParameterOverride[],
  configFile: string,
  environmentPath: string,
): DefinitionProblem[] {
  const names = sources.map((s) => serviceName(s.definition));
  const known = `(services: ${names.join(", ")})`;
  return [
    ...Object.keys(env.parameters ?? {})
      .filter((service) => !names.includes(service))
      .map((service) => ({
        file: configFile,
        path: `${environmentPath}.${service}`,
        message: `no service "${service}" ${known}`,
      })),
    ...overrides
      .filter((o) => !names.includes(o.service))
      .map((o) => ({ file: o.origin, path: "", message: `no service "${o.service}" ${known}` })),
  ];
}

/** The same problem in every environment is said once, without an environment list. */
function mergeAcrossEnvironments(
  problems: readonly DefinitionProblem[],
  allEnvironments: readonly string[],
): DefinitionProblem[] {
  const merged = new Map<string, DefinitionProblem & { environments: string[] }>();
  for (const p of problems) {
    const key = `${p.file}\0${p.path}\0${p.message}`;
    const existing = merged.get(key);
    if (existing) existing.environments.push(...(p.environments ?? []));
    else merged.set(key, { ...p, environments: [...(p.environments ?? [])] });
  }
  return [...merged.values()].map((p) => {
    const envs = [...new Set(p.environments)];
    const everywhere = allEnvironments.length > 0 && allEnvironments.every((e) => envs.includes(e));
    return {
      file: p.file,
      path: p.path,
      message: p.message,
      ...(envs.length && !everywhere ? { environments: envs } : {}),
    };
  });
}

function readAssets(
  source: ServiceSource,
  spec: ResolvedService,
  problems: DefinitionProblem[],
): Omit<ServiceModel, "parameters"> {
  const dir = dirname(source.absolute);
  const readText = (path: string, field: string): string | undefined => {
    const absolute = resolve(dir, path);
    if (!existsSync(absolute)) {
      problems.push({
        file: source.file,
        path: field,
        message: `file ${path} not found (looked in ${relative(process.cwd(), absolute)})`,
      });
      return undefined;
    }
    try {
      return readFileSync(absolute, "utf8");
    } catch (error) {
      // A folder, or a file this process may not read.
      problems.push({
        file: source.file,
        path: field,
        message: `${path} cannot be read (${relative(process.cwd(), absolute)}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      });
      return undefined;
    }
  };

  const configMaps = new Map<string, Record<string, string>>();
  for (const [name, cm] of Object.entries(spec.configMaps ?? {})) {
    const entries: Record<string, string> = {};
    for (const [key, path] of Object.entries(cm.files ?? {})) {
      const text = readText(path, `configMaps.${name}.files.${key}`);
      if (text !== undefined) entries[key] = text;
    }
    for (const [key, value] of Object.entries(cm.data ?? {})) {
      if (key in entries)
        problems.push({
          file: source.file,
          path: `configMaps.${name}.data.${key}`,
          message: "is also given in files",
        });
      entries[key] = value;
    }
    configMaps.set(name, entries);
  }

  const calls: CallContract[] = [];
  for (const [name, call] of Object.entries(spec.calls ?? {})) {
    let request: JsonSchema | undefined;
    if (typeof call.request === "string") {
      const text = readText(call.request, `calls.${name}.request`);
      if (text !== undefined) {
        try {
          request = JSON.parse(text) as JsonSchema;
        } catch (error) {
          problems.push({
            file: source.file,
            path: `calls.${name}.request`,
            message: `${call.request} is not valid JSON: ${(error as Error).message}`,
          });
        }
      }
    } else {
      request = call.request;
    }
    if (
      request &&
      (typeof request !== "object" ||
        Array.isArray(request) ||
        (request.type !== undefined && request.type !== "object"))
    ) {
      problems.push({
        file: source.file,
        path: `calls.${name}.request`,
        message: `a request schema must describe an object (found type ${typeof request.type === "bigint" ? `${request.type}n` : JSON.stringify(request.type)})`,
      });
    }
    for (const p of request && typeof request === "object" ? requestSchemaProblems(request) : [])
      problems.push({
        file: source.file,
        path: `calls.${name}.request`,
        message: `at ${p.pointer}: ${p.message}`,
      });
    if (request) calls.push({ name, audited: call.audited ?? true, request });
  }

  // Files that ship in the image are read only once a plan has its digest (src/migrations/image-files.ts).
  const migrations: MigrationFile[] = [];
  const migrationPath = spec.migrations?.path;
  if (migrationPath !== undefined) {
    const folder = resolve(dir, migrationPath);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      problems.push({
        file: source.file,
        path: "migrations.path",
        message: `folder ${migrationPath} not found (looked in ${relative(process.cwd(), folder)})`,
      });
    } else {
      const read = migrationSet(
        readdirSync(folder)
          .filter((f) => f.endsWith(".sql") && statSync(join(folder, f)).isFile())
          .map((name) => ({ name, sql: readFileSync(join(folder, name), "utf8") })),
      );
      for (const message of read.problems)
        problems.push({ file: source.file, path: "migrations.path", message });
      migrations.push(...read.files);
    }
  }
  const queryFile = spec.migrations?.queries
    ? readText(spec.migrations.queries, "migrations.queries")
    : undefined;
  return {
    file: source.file,
    spec,
    configMaps,
    calls,
    migrations,
    ...(queryFile !== undefined ? { queryFile } : {}),
  };
}

/**
 * The escape hatch is checked against the objects it changes: a patch whose target matches
 * nothing or that cannot apply, a raw object Slipway renders already, is a definition error found
 * by `validate`, not at deploy time.
 */
function patchProblems(
  project: string,
  env: EnvironmentModel,
  models: readonly ServiceModel[],
): DefinitionProblem[] {
  return models.flatMap((model): DefinitionProblem[] => {
    if (!model.spec.patches?.length && !model.spec.objects?.length) return [];
    try {
      const rendered = renderServiceObjects(project, env, model);
      // A raw object of the same kind and name as one Slipway renders would be applied twice.
      const duplicate = (model.spec.objects ?? []).findIndex(
        (o) => rendered.filter((r) => r.kind === o.kind && r.metadata?.name === o.metadata.name).length > 1,
      );
      if (duplicate !== -1)
        return [
          {
            file: model.file,
            path: `objects[${duplicate}]`,
            message:
              "Slipway renders an object of this kind and name already: change it with a patch instead",
            environments: [env.name],
          },
        ];
      if (!model.spec.patches?.length) return [];
      const jobs = renderJobTemplates(project, env, model);
      const i = model.spec.patches.findIndex((p) => p.target.kind === "Job");
      if (i !== -1 && jobs.length === 0)
        return [
          {
            file: model.file,
            path: `patches[${i}].target`,
            message: "matches no Job: the service starts none (no migration Job, verify or jobs)",
            environments: [env.name],
          },
        ];
      return [];
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      return [{ file: model.file, path: error.path, message: error.message, environments: [env.name] }];
    }
  });
}
