import type { KubernetesObject } from "@kubernetes/client-node";
import type { ResolvedService } from "../definitions/schema/service.ts";
import type { RegistryChoice } from "./image-reference.ts";

/** A service definition in the making, from a group of live objects: its shape and what it records. */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type Spec = Mutable<ResolvedService>;

/** How one live object went into a definition. */
export interface MappedObject {
  readonly kind: string;
  readonly name: string;
  /** The definition field it became: `deployment`, `cronJobs.nightly`, `objects[0]`. */
  readonly field: string;
}

/** An object kept in the escape hatch as a raw object, and why no field renders it. */
export interface RawKept {
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
}

/** A service definition made from a group of live objects, before its gaps are closed. */
export interface DraftService {
  readonly spec: Spec;
  /** ConfigMap name → its entries, as the definition gives them inline. */
  readonly configMaps: Map<string, Record<string, string>>;
  readonly mapped: MappedObject[];
  readonly raw: RawKept[];
  /** Live objects the definition renders, by `Kind/name`: what its rendered objects must equal. */
  readonly live: Map<string, KubernetesObject>;
  /** What the import could not take as written (an image reference rewritten, a field left out). */
  readonly notes: string[];
  /** The digest its image runs at, when the live reference has one. */
  readonly digest?: string;
}

export interface DraftInput {
  readonly name: string;
  readonly objects: readonly KubernetesObject[];
  readonly registry: RegistryChoice | undefined;
  /** ConfigMap name → the service that owns it (its group), for every ConfigMap imported. */
  readonly configMapOwners: ReadonlyMap<string, string>;
  /** ConfigMaps another service mounts: written shared. */
  readonly sharedConfigMaps: ReadonlySet<string>;
  /** Secrets in the namespace, by name. */
  readonly secretNames: ReadonlySet<string>;
}

/**
 * What one draft collects while its fields are made (src/import/fields/): the spec, and for each
 * live object, the field it became (mapped), the raw object it stays (raw) and any note.
 */
export interface Drafting {
  readonly name: string;
  readonly input: DraftInput;
  /** The service's live objects of one kind. */
  readonly of: <T extends KubernetesObject>(kind: string) => T[];
  readonly spec: Spec;
  readonly mapped: MappedObject[];
  readonly raw: RawKept[];
  readonly notes: string[];
  readonly live: Map<string, KubernetesObject>;
}

export const keyOf = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.name}`;
