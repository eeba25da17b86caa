import type { ParameterValue } from "./parameters.ts";
import type { ClusterPlacement, ResolvedEnvironment } from "./schema/environment.ts";
import type { ResolvedService } from "./schema/service.ts";

/** A JSON Schema document, as the user wrote it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface MigrationFile {
  /** File name, e.g. V3__add_quota.sql. */
  readonly name: string;
  readonly kind: "versioned" | "repeatable";
  /** Flyway version ("3", "3.1") for versioned files. */
  readonly version?: string;
  readonly description: string;
  readonly sql: string;
}

export interface CallContract {
  readonly name: string;
  readonly audited: boolean;
  readonly request: JsonSchema;
}

/** One service, resolved for one environment, with the files it refers to read in. */
export interface ServiceModel {
  /** Definition file, relative to the project root. */
  readonly file: string;
  readonly spec: ResolvedService;
  /** Its parameters' values in this environment: defaults, then the environment's, then --set. */
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  /** ConfigMap name → entries (files read from disk and inline data, merged). */
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly calls: readonly CallContract[];
  readonly migrations: readonly MigrationFile[];
  /** The statements listed in `migrations.queries`, as one text. */
  readonly queryFile?: string;
}

export interface EnvironmentModel extends Omit<ResolvedEnvironment, "cluster" | "clusters" | "waves"> {
  /** Where it runs; in a fleet, the cluster this model is (`member`), its first cluster until one is chosen. */
  readonly cluster: ClusterPlacement;
  /** Ingress and storage classes after the cluster flavour's defaults. */
  readonly ingressClass: string;
  readonly storageClass: string;
  /** Its deploy windows: the project's, then its own. */
  readonly windows?: ResolvedEnvironment["windows"];
  /** A fleet: the clusters it runs on and the waves they are deployed in (src/fleet). */
  readonly fleet?: FleetModel;
  /** The fleet cluster this model is placed on (`prod` on `eu-2`), once one is chosen. */
  readonly member?: string;
}

/** One cluster of a fleet, with the environment's settings it overrides already merged. */
export interface FleetClusterModel {
  readonly name: string;
  readonly cluster: ClusterPlacement;
  readonly registry: ResolvedEnvironment["registry"];
  readonly databases?: ResolvedEnvironment["databases"];
  readonly search?: ResolvedEnvironment["search"];
  readonly ingressClass: string;
  readonly storageClass: string;
}

export interface FleetWaveModel {
  /** Its clusters' names, in the order declared. */
  readonly clusters: readonly string[];
  /** How long it is watched, healthy, before the next wave starts (0: not baked). */
  readonly bakeMs: number;
  readonly maxParallel: number;
  /** Clusters of the wave that may fail with the line still going on. */
  readonly failureBudget: number;
}

export interface FleetModel {
  readonly clusters: readonly FleetClusterModel[];
  readonly waves: readonly FleetWaveModel[];
}

export interface ProjectModel {
  readonly root: string;
  readonly name: string;
  readonly environments: readonly EnvironmentModel[];
  /** Environment name → its services, in dependency order. */
  readonly services: ReadonlyMap<string, readonly ServiceModel[]>;
  /**
   * Required parameters without a value, where the command loading the project did not refuse
   * them (it does not deploy there): validate and render say so. Secret ones are not listed.
   */
  readonly unsetParameters?: readonly UnsetParameter[];
}

export interface UnsetParameter {
  readonly environment: string;
  readonly service: string;
  readonly parameter: string;
  /** The service's definition file. */
  readonly file: string;
}

/** An environment's services in dependency order: only the named ones, when any are named. */
export const servicesIn = (
  project: ProjectModel,
  environment: string,
  only: readonly string[],
): readonly ServiceModel[] =>
  (project.services.get(environment) ?? []).filter((s) => only.length === 0 || only.includes(s.spec.name));

/** Defaults that differ between cluster flavours: Traefik and local-path on K3s, nginx and Longhorn on Rancher clusters. */
export const flavourDefaults = {
  k3s: { ingressClass: "traefik", storageClass: "local-path" },
  rancher: { ingressClass: "nginx", storageClass: "longhorn" },
} as const;
