import type { z } from "zod";
import type { environmentSchema, serviceSchema } from "./schema.ts";

/** What a per-environment value can see of the environment it is resolved for. */
export interface EnvironmentInfo {
  readonly name: string;
  readonly flavour: "k3s" | "rancher";
  readonly namespace: string;
}

/** A value, or a typed function of the environment that returns it (replicas 1 in dev, 3 in prod). */
export type PerEnv<T> = T | ((env: EnvironmentInfo) => T);

/** T where any field, at any depth, may instead be a function of the environment. */
export type Definable<T> = T extends readonly (infer U)[]
  ? PerEnv<Definable<U>[]>
  : T extends object
    ? PerEnv<{ [K in keyof T]: Definable<T[K]> }>
    : PerEnv<T>;

export type ServiceDefinition = Definable<z.input<typeof serviceSchema>>;
export type EnvironmentDefinition = z.input<typeof environmentSchema>;

export interface ProjectDefinition {
  /** The platform's name; becomes the `app.kubernetes.io/part-of` label. */
  readonly name: string;
  /** Folder with one `<service>/service.ts` per service, relative to slipway.config.ts. Default `services`. */
  readonly servicesDir?: string;
  readonly environments: readonly EnvironmentDefinition[];
}

/** Declares a service; the identity function that lets TypeScript check the definition. */
export const defineService = <const T extends ServiceDefinition>(definition: T): T => definition;
export const defineEnvironment = <const T extends EnvironmentDefinition>(definition: T): T => definition;
export const defineProject = <const T extends ProjectDefinition>(definition: T): T => definition;
