// Slipway's public API: what a project's definition files and tests import as "slipway".
export { defineEnvironment, defineProject, defineService } from "./definitions/define.ts";
export type {
  EnvironmentDefinition,
  EnvironmentInfo,
  EnvironmentValues,
  DeepReadonly,
  PerEnv,
  ProjectDefinition,
  ServiceDefinition,
} from "./definitions/define.ts";
export type { JsonObject, JsonValue } from "./definitions/json-value.ts";
export { loadProject } from "./definitions/load.ts";
export { DefinitionError, type DefinitionProblem } from "./definitions/errors.ts";
export type {
  EnvironmentModel,
  ProjectModel,
  ServiceModel,
  CallContract,
  MigrationFile,
} from "./definitions/model.ts";
export { renderEnvironment, renderServiceObjects } from "./render/render.ts";
export { renderAdHocJob, renderMigrationJob } from "./render/workloads.ts";
export { toJson, toYaml } from "./render/serialize.ts";
