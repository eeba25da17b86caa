/**
 * The JSON documents Slipway prints (`-o json`, and each line of `deploy -o jsonl`), as types.
 * The package exports them for users' tooling, and `npm run schema` generates
 * schema/slipway.v1.schema.json from `SlipwayDocument`: the bodies are the domain's own values
 * (a plan, a deploy report, a drift report), so the schema cannot drift from what is printed.
 * Each is an interface (not `Document<K, B>`) so the schema names its definitions after them.
 */
import type { EnvCheck } from "../checks/access/check.ts";
import type { GateCheck } from "../checks/gate/types.ts";
import type { DriftReport } from "../drift/detect.ts";
import type { ImportReport } from "../import/report.ts";
import type { ComparisonRow } from "../move/compare.ts";
import type { CopyResult, Reference } from "../move/references.ts";
import type { PlanJson } from "./plan.ts";
import type { DeployEvent } from "../procedure/events.ts";
import type { DeployReport } from "../procedure/report.ts";
import type { FleetEvent, FleetReport } from "../fleet/events.ts";
import type { FleetJournalRecord } from "../fleet/journal.ts";
import type { PromotionRequest } from "../promotion/request.ts";
import type { ReleaseStatus, ReleaseSummary } from "../release/record.ts";
import type { DeployProgress } from "../status/deploy-progress.ts";
import type { DocumentHeader } from "./document.ts";
import type { BreakGlass } from "../windows/break-glass.ts";
import type { CanaryDecision } from "../canary/record.ts";
import type { CallsDiffDocument, MigrationCheckDocument } from "./findings-documents.ts";
import type { ImageVerificationDocument } from "./verification-document.ts";

/** `plan -o json`, and the first line of `deploy -o jsonl`. */
export interface PlanDocument extends DocumentHeader<"Plan">, PlanJson {}

/** One line of `deploy -o jsonl` between the plan and the report. */
export type DeployEventDocument = DocumentHeader<"DeployEvent"> & EventTime & DeployEvent;

/** When the event happened (ISO 8601). */
export interface EventTime {
  readonly at: string;
}

/** How a deploy ended: `deploy -o json`, and the last line of `deploy -o jsonl`. */
export interface DeployReportBody extends DeployReport {
  /** Set when a check refused the deploy before anything changed: why, one line each. */
  readonly refused?: readonly string[];
  /**
   * Set when the deploy stopped on an error instead of a report (another deploy holds the lock,
   * the lock was lost, the cluster could not be reached): that error. The exit code says which.
   */
  readonly stopped?: string;
}
export interface DeployReportDocument extends DocumentHeader<"DeployReport">, DeployReportBody {}

/** The last deploy of one service, as `status` shows it. */
export interface StatusLastDeploy {
  readonly revision: number;
  readonly status: ReleaseStatus;
  readonly at: string;
  readonly by: string;
  readonly description: string;
  readonly overrides: readonly string[];
  /** Deployed into a frozen environment: who broke glass, why, through which windows. */
  readonly breakGlass?: BreakGlass;
}

/** One service in `status`. */
export interface ServiceStatus {
  readonly service: string;
  /** The version running, from the live Deployment; null when none runs. */
  readonly liveVersion: string | null;
  readonly definedVersion: string;
  readonly upToDate: boolean;
  /** Ready and desired pods, "1/1"; "-" when no Deployment runs. */
  readonly ready: string;
  readonly lastDeploy: StatusLastDeploy | null;
}

/** `status -o json`. */
export interface StatusDocument extends DocumentHeader<"Status"> {
  readonly environment: string;
  readonly namespace: string;
  readonly services: readonly ServiceStatus[];
}

/** `history -o json`: the release records of one service, newest first. */
export interface HistoryDocument extends DocumentHeader<"History"> {
  readonly environment: string;
  readonly service: string;
  readonly releases: readonly ReleaseSummary[];
}

/** `drift -o json`. */
export interface DriftReportDocument extends DocumentHeader<"DriftReport">, DriftReport {}

/** One audited call in `audit status`. */
export interface AuditCallStatus {
  readonly call: string;
  readonly service: string;
  readonly alias: string;
  readonly writeIndex: string | null;
  readonly indices: number;
  readonly templateVersion: number | null;
  /** The live mapping takes what the definitions say. */
  readonly matches: boolean;
  /** "matches", "no write index", or what differs. */
  readonly mapping: string;
  /**
   * Fields whose live mapping cannot take the defined request type: what Elasticsearch does with
   * the entries of a version that sends the defined type (rejected ones are lost).
   */
  readonly conflicts: readonly AuditFieldConflict[];
}

/** A field of an audit write index whose mapping differs from the call's request schema. */
export interface AuditFieldConflict {
  /** The field of the audit entry, "request.product". */
  readonly field: string;
  /** The write index's mapping of it, "object". */
  readonly live: string;
  /** What the request schema maps it to, "keyword". */
  readonly expected: string;
  /** "rejected": the entry is not written; "not indexed": kept, that value unindexed (ignore_malformed). */
  readonly effect: "rejected" | "not indexed";
}

/** `audit status -o json`. */
export interface AuditStatusDocument extends DocumentHeader<"AuditStatus"> {
  readonly environment: string;
  readonly calls: readonly AuditCallStatus[];
}

/** `env check -o json`. */
export interface EnvironmentCheckDocument extends DocumentHeader<"EnvironmentCheck">, EnvCheck {}

/** One environment in `env list`. */
export interface EnvironmentEntry {
  readonly environment: string;
  readonly context: string;
  /** The kubeconfig has that context. */
  readonly contextExists: boolean;
  readonly server: string | null;
  readonly namespace: string;
  readonly flavour: string;
  readonly ingressClass: string;
  readonly storageClass: string;
}

/** `env list -o json`. */
export interface EnvironmentListDocument extends DocumentHeader<"EnvironmentList"> {
  readonly environments: readonly EnvironmentEntry[];
}

/** One service in `list`. */
export interface ServiceEntry {
  readonly name: string;
  readonly version: string;
  readonly image: string;
  /** Null for a jobs-only service: it runs no Deployment. */
  readonly replicas: number | null;
  readonly dependsOn: readonly string[];
  /**
   * How many migration files; null when they ship in the image (`migrations.image`): only a plan
   * reads them, from the digest it resolves, and listing does not ask the registry.
   */
  readonly migrations: number | null;
  /** Where they are: the folder beside the definition, or `image:<folder>`; absent without migrations. */
  readonly migrationsFrom?: string;
  readonly calls: number;
  readonly file: string;
}

/** `list -o json`. */
export interface ServiceListDocument extends DocumentHeader<"ServiceList"> {
  readonly environment: string;
  readonly services: readonly ServiceEntry[];
}

/** One check a rollback ran (the schema check of the release it returns to). */
export interface RollbackCheck {
  readonly check: string;
  readonly outcome: string;
  readonly message: string;
}

/** How `rollback` ended. */
export interface RollbackReport {
  readonly environment: string;
  readonly service: string;
  /** refused: a check stopped it before anything changed. */
  readonly outcome: "rolled-back" | "failed" | "refused";
  /** The revision returned to, and its version; absent when refused before one was chosen. */
  readonly toRevision?: number;
  readonly toVersion?: string;
  /** The revision the rollback was recorded as. */
  readonly revision?: number;
  readonly message: string;
  readonly checks: readonly RollbackCheck[];
}

/** `rollback -o json`. */
export interface RollbackReportDocument extends DocumentHeader<"RollbackReport">, RollbackReport {}

/** One service a move carries, at the version that runs in the source. */
export interface MovedService {
  readonly service: string;
  readonly version: string;
  readonly revision: number;
  /** The image digest it runs; absent when the release pinned none. */
  readonly digest?: string;
}

/** How `cluster move` ended. */
export interface MoveReport {
  readonly from: string;
  readonly to: string;
  /**
   * moved: deployed and healthy in the target (and cut over when asked); reverted: a cutover
   * undone; dry-run: nothing changed; refused: a check stopped it before anything changed;
   * failed: it stopped part-way (run it again to resume); declined: not confirmed.
   */
  readonly outcome: "moved" | "reverted" | "dry-run" | "refused" | "failed" | "declined";
  readonly message: string;
  readonly services: readonly MovedService[];
  /** The Secrets and ConfigMaps the services reference, copied when the target lacks them. */
  readonly references: readonly Reference[];
  /**
   * A move: --cutover was asked (done when the outcome is moved). --revert-cutover: the source
   * is still cut over.
   */
  readonly cutover: boolean;
  /** The target's checks, when a plan was made. */
  readonly checks?: readonly GateCheck[];
  readonly copies?: readonly CopyResult[];
  readonly deploy?: DeployReport;
  readonly comparison?: readonly ComparisonRow[];
}

/** `cluster move -o json`. */
export interface MoveReportDocument extends DocumentHeader<"MoveReport">, MoveReport {}

/** `import -o json`: what `slipway import` read from a namespace and wrote. */
export interface ImportReportDocument extends DocumentHeader<"ImportReport">, ImportReport {}

/**
 * `status --deploy -o json`: the current (or last) deploy of an environment, step by step, as
 * the dashboard's live deploy view draws it.
 */
export interface DeployProgressDocument extends DocumentHeader<"DeployProgress">, DeployProgress {}

/** One deploy window in `windows -o json`, and whether it is in force at `at`. */
export interface WindowEntry {
  /** Its index in the environment's windows (the project's first). */
  readonly index: number;
  readonly kind: "allow" | "deny";
  readonly reason: string;
  /** Its times in words: `cron "0 16 * * 5" for 64h`, or `2027-01-11 to 2027-01-15`. */
  readonly times: string;
  readonly timeZone: string;
  /** In force at `at`: its current occurrence (ISO 8601); null when it is not. */
  readonly inForce: { readonly from: string; readonly until: string } | null;
}

/** A change between frozen and open, and why it is frozen from then on. */
export interface WindowChange {
  readonly at: string;
  readonly frozen: boolean;
  /** Why it is frozen from then (the windows, in words); empty when it opens. */
  readonly because: string;
}

/** `windows -e ENV -o json`: an environment's deploy windows, its state and its next changes. */
export interface WindowsDocument extends DocumentHeader<"Windows"> {
  readonly environment: string;
  /** The instant the state is for (ISO 8601): now, or --at. */
  readonly at: string;
  readonly frozen: boolean;
  /** Why it is frozen at `at`; empty when open. */
  readonly because: string;
  readonly windows: readonly WindowEntry[];
  /** The next changes of state, at most --changes of them, within 400 days. */
  readonly changes: readonly WindowChange[];
  /** Who may deploy while it is frozen (--break-glass). */
  readonly breakGlass: { readonly users: readonly string[]; readonly groups: readonly string[] };
  /** Whether `slipway rollback` runs while it is frozen. */
  readonly rollbackDuringFreeze: boolean;
}

/** One cluster of a fleet, as the read commands show it: what they read there, or why they could not. */
export interface FleetClusterRead<T> {
  readonly cluster: string;
  readonly context: string;
  readonly namespace: string;
  /** Absent when the cluster could not be read (`error` says why). */
  readonly result?: T;
  readonly error?: string;
}

/** `status -e FLEET -o json`: each cluster's services, in wave order. */
export interface FleetStatusDocument extends DocumentHeader<"FleetStatus"> {
  readonly environment: string;
  readonly clusters: readonly FleetClusterRead<readonly ServiceStatus[]>[];
}

/** `status -e FLEET --deploy -o json`: the fleet deploy's journal, then each cluster's deploy. */
export interface FleetDeployProgressDocument extends DocumentHeader<"FleetDeployProgress"> {
  readonly environment: string;
  readonly journal: FleetJournalRecord | null;
  readonly clusters: readonly FleetClusterRead<DeployProgress>[];
}

/** `plan -e FLEET -o json`: each cluster's plan, in wave order. */
export interface FleetPlanDocument extends DocumentHeader<"FleetPlan"> {
  readonly environment: string;
  readonly clusters: readonly FleetClusterRead<PlanJson>[];
}

/** `drift -e FLEET -o json`: each cluster's drift, in wave order. */
export interface FleetDriftDocument extends DocumentHeader<"FleetDrift"> {
  readonly environment: string;
  readonly drifted: boolean;
  readonly clusters: readonly FleetClusterRead<DriftReport>[];
}

/** `deploy -e FLEET -o json` (and the last line of `-o jsonl`): how each wave and cluster ended. */
export interface FleetReportDocument extends DocumentHeader<"FleetReport">, FleetReport {}

/** One event of a fleet deploy, in `deploy -e FLEET -o jsonl`. */
export type FleetEventDocument = DocumentHeader<"FleetEvent"> & EventTime & FleetEvent;

/** Every document Slipway prints, told apart by `kind`. */
export type SlipwayDocument =
  | PlanDocument
  | DeployEventDocument
  | DeployReportDocument
  | FleetReportDocument
  | FleetEventDocument
  | FleetStatusDocument
  | FleetDeployProgressDocument
  | FleetPlanDocument
  | FleetDriftDocument
  | StatusDocument
  | HistoryDocument
  | DriftReportDocument
  | AuditStatusDocument
  | EnvironmentCheckDocument
  | EnvironmentListDocument
  | ServiceListDocument
  | RollbackReportDocument
  | MoveReportDocument
  | ImportReportDocument
  | DeployProgressDocument
  | WindowsDocument
  | MigrationCheckDocument
  | CallsDiffDocument
  | PromotionRequestDocument
  | PromotionListDocument
  | ImageVerificationDocument
  | CanaryActionDocument;

export type DocumentKind = SlipwayDocument["kind"];

/** slipway promote -o json: the request as it is kept in the target's namespace. */
export interface PromotionRequestDocument extends DocumentHeader<"PromotionRequest">, PromotionRequest {}

/** slipway promotions -o json: the requests to one environment, newest first. */
export interface PromotionListDocument extends DocumentHeader<"PromotionList"> {
  readonly environment: string;
  readonly promotions: readonly PromotionRequest[];
}

/** A person's promote or abort of a canary, and what became of it. */
export interface CanaryActionReport {
  readonly environment: string;
  readonly service: string;
  /** The pending release whose canary it was given to. */
  readonly revision: number;
  readonly version: string;
  readonly decision: CanaryDecision;
  /**
   * taken: the deploy that runs the canary took it (a live one, or the one this command resumed);
   * waiting: a live deploy had not taken it within --wait, and takes it when it looks next;
   * not-taken: the deploy this command resumed ended without taking it.
   */
  readonly outcome: "taken" | "waiting" | "not-taken";
  /** The live deploy that runs the canary (the lock's holder), when one did. */
  readonly deployer?: string;
  /** The interrupted deploy this command resumed (none ran the canary any more), as it ended. */
  readonly resumed?: DeployReport;
}

/** `slipway canary promote|abort -o json` (`slipway promote SERVICE -e ENV`, `slipway abort`). */
export interface CanaryActionDocument extends DocumentHeader<"CanaryAction">, CanaryActionReport {}
