// Slipway's public API: what a project's definition files and tests import as "slipway".
export { defineEnvironment, defineProject, defineService } from "./definitions/define.ts";
export type {
  EnvironmentDefinition,
  EnvironmentInfo,
  EnvironmentValues,
  DeepReadonly,
  DeployWindowDefinition,
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

// The JSON documents the CLI prints (-o json, deploy -o jsonl): schema/slipway.v1.schema.json
// in this package is generated from SlipwayDocument.
export type { DocumentHeader } from "./output/document.ts";
export type {
  CallsDiffDocument,
  MigrationCheckCounts,
  MigrationCheckDocument,
} from "./output/findings-documents.ts";
export type {
  AuditCallStatus,
  AuditStatusDocument,
  DeployEventDocument,
  DeployProgressDocument,
  DeployReportBody,
  DeployReportDocument,
  DocumentKind,
  DriftReportDocument,
  EnvironmentCheckDocument,
  EnvironmentEntry,
  EnvironmentListDocument,
  EventTime,
  HistoryDocument,
  MovedService,
  MoveReport,
  MoveReportDocument,
  PlanDocument,
  RollbackCheck,
  RollbackReport,
  RollbackReportDocument,
  ServiceEntry,
  ServiceListDocument,
  ServiceStatus,
  SlipwayDocument,
  StatusDocument,
  StatusLastDeploy,
  WindowChange,
  WindowEntry,
  WindowsDocument,
} from "./output/documents.ts";
export type { DeployEvent } from "./procedure/events.ts";
export type { DeployReport, ServiceOutcome, ServiceResult } from "./procedure/report.ts";
export type { PlanJson, ServicePlanJson, ObjectChangeJson } from "./output/plan.ts";
export type { DriftReport } from "./drift/detect.ts";
export type { EnvCheck } from "./checks/access/check.ts";
export type { ReleaseSummary } from "./release/record.ts";
export type { BreakGlass } from "./windows/break-glass.ts";
export type {
  DeployProgress,
  DeployProgressLock,
  DeployState,
  ServiceProgress,
  ServiceState,
  StepProgress,
  StepState,
} from "./status/deploy-progress.ts";
