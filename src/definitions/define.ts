import type { z } from "zod";
import type { JsonObject } from "./json-value.ts";
import type { environmentSchema } from "./schema/environment.ts";
import type { parameterDeclaration } from "./schema/parameters.ts";
import type { serviceSchema } from "./schema/service.ts";
import type { deployWindow } from "./schema/windows.ts";

/**
 * A project's own environment values (a domain, a default scale, feature switches), declared
 * once by declaration merging so that every environment must give them and every function of
 * every service reads them typed:
 *
 *     declare module "slipway" {
 *       interface EnvironmentValues { domain: string; scale: number }
 *     }
 *
 * Empty until a project declares it; values must be JSON (checked when loaded).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the project's declaration
export interface EnvironmentValues {}

/** Whether the project declared its values; until it does, any JSON object goes. */
type Declared = keyof EnvironmentValues extends never ? false : true;

/** T, read-only at every depth: a function reading the values cannot change them for the next one. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What a per-environment value can see of the environment it is resolved for. */
export interface EnvironmentInfo {
  readonly name: string;
  readonly flavour: "k3s" | "rancher";
  readonly namespace: string;
  /** The environment's `values`, typed as the project declares them (`EnvironmentValues`). */
  readonly values: Declared extends true ? DeepReadonly<EnvironmentValues> : JsonObject;
  /** The environment's `defaults`, as written (a service's replicas fall back to `defaults.replicas`). */
  readonly defaults: { readonly replicas?: number };
  /**
   * Put before the audit index and alias names here (`search.indexPrefix`, else ""): a service
   * writes its call `c`'s entries to `${auditIndexPrefix}http_logs_${c}`.
   */
  readonly auditIndexPrefix: string;
}

/** A service's parameter declarations, as written. */
export type ParameterDeclarations = Readonly<Record<string, z.input<typeof parameterDeclaration>>>;

type ValueOf<D> = D extends { type: "string" }
  ? string
  : D extends { type: "number" | "integer" }
    ? number
    : boolean;

/** What a service's functions read of its parameters: typed, and possibly absent unless required or defaulted. */
export type ParameterValues<P extends ParameterDeclarations> = {
  // A secret one is a reference to the Secret the deploy writes it into (an `env` value), never
  // its value: what functions return is rendered, shown and recorded.
  readonly [K in keyof P]: P[K] extends { secret: true }
    ? SecretParameterRef | (P[K] extends { required: true } ? never : undefined)
    : P[K] extends { required: true } | { default: string | number | boolean }
      ? ValueOf<P[K]>
      : ValueOf<P[K]> | undefined;
};

/** Where a secret parameter's value is: a key of the Secret `<service>-parameters`. */
export interface SecretParameterRef {
  readonly secret: string;
  readonly key: string;
}

/**
 * A value, or a typed function of the environment (and of the service's parameters there) that
 * returns it: replicas 1 in dev, 3 in prod.
 */
export type PerEnv<T, P extends ParameterDeclarations = ParameterDeclarations> =
  T | ((env: EnvironmentInfo, params: ParameterValues<P>) => T);

/** T where any field, at any depth, may instead be a function of the environment. */
export type Definable<
  T,
  P extends ParameterDeclarations = ParameterDeclarations,
> = T extends readonly (infer U)[]
  ? PerEnv<Definable<U, P>[], P>
  : T extends object
    ? PerEnv<{ [K in keyof T]: Definable<T[K], P> }, P>
    : PerEnv<T, P>;

/** A service: its parameters as declared (plain values, read before anything else), the rest definable. */
export type ServiceDefinition<P extends ParameterDeclarations = ParameterDeclarations> = Definable<
  Omit<z.input<typeof serviceSchema>, "parameters">,
  P
> & { readonly parameters?: P };
export type EnvironmentDefinition = Omit<z.input<typeof environmentSchema>, "values"> &
  (Declared extends true
    ? { /** The project's declared values (`EnvironmentValues`). */ readonly values: EnvironmentValues }
    : {
        /** Environment-wide values every service's functions read as `env.values`. */ readonly values?: JsonObject;
      });

export interface ProjectDefinition {
  /** The platform's name; becomes the `app.kubernetes.io/part-of` label. */
  readonly name: string;
  /** Folder with one `<service>/service.ts` per service, relative to slipway.config.ts. Default `services`. */
  readonly servicesDir?: string;
  readonly environments: readonly EnvironmentDefinition[];
  /** Deploy windows of every environment (a company-wide freeze); each environment adds its own. */
  readonly windows?: readonly DeployWindowDefinition[];
}

/**
 * A deploy window: `{ deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" },
 * reason: "weekend" }`, or one stretch of dates: `{ deny: { from: "2027-01-11", to: "2027-01-15",
 * timeZone: "Europe/Copenhagen" }, reason: "exam week" }`. Deny wins over allow.
 */
export type DeployWindowDefinition = z.input<typeof deployWindow>;

/** Declares a service; the identity function that lets TypeScript check the definition. */
export const defineService = <const P extends ParameterDeclarations = Record<never, never>>(
  definition: ServiceDefinition<P>,
): ServiceDefinition<P> => definition;
export const defineEnvironment = <const T extends EnvironmentDefinition>(definition: T): T => definition;
export const defineProject = <const T extends ProjectDefinition>(definition: T): T => definition;
