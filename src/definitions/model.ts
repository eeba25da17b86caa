import type { ParameterValue } from "./parameters.ts";
import type { ResolvedEnvironment } from "./schema/environment.ts";
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

export interface EnvironmentModel extends ResolvedEnvironment {
  /** Ingress and storage classes after the cluster flavour's defaults. */
  readonly ingressClass: string;
  readonly storageClass: string;
  /** Its deploy windows: the project's, then its own. */
  readonly windows?: ResolvedEnvironment["windows"];
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
