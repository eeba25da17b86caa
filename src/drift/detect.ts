import type { KubernetesObject } from "@kubernetes/client-node";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { diffObject } from "../plan/diff.ts";
import { foreignFields, type ForeignField } from "../plan/managed-fields.ts";
import { objectKey } from "../plan/live-state.ts";
import { hashObjects } from "../release/hash.ts";
import type { ReleaseRecord, ReleaseSummary } from "../release/record.ts";
import { renderServiceObjects } from "../render/render.ts";

/** One field Slipway set that no longer holds the value it applied. */
export interface FieldDrift {
  readonly path: string;
  /** Absent when the field was removed. */
  readonly live?: unknown;
  readonly applied: unknown;
}

export interface ObjectDrift {
  readonly kind: string;
  readonly name: string;
  /** changed: fields differ; missing: applied, but gone from the cluster. */
  readonly state: "changed" | "missing";
  readonly fields: readonly FieldDrift[];
  /**
   * Who changed them, as managedFields say, where another field manager owns a drifted field:
   * `added` ones a deploy leaves (deploy --reclaim removes them), `changed` ones it conflicts on
   * (deploy --force-conflicts takes them back).
   */
  readonly foreign?: readonly ForeignField[];
}

export interface ServiceDrift {
  readonly service: string;
  /** The deployed release the live objects are compared with; absent when never deployed. */
  readonly release?: { readonly revision: number; readonly version: string; readonly objects: number };
  readonly objects: readonly ObjectDrift[];
  /** The definitions render other objects than the release applied: a change, not drift. */
  readonly notDeployedYet: boolean;
  /** A deploy is running or was interrupted: live objects may be part-way to this revision. */
  readonly pendingRevision?: number;
}

/** A live object with Slipway's labels that no definition renders and no deployed release applied. */
export interface Orphan {
  readonly kind: string;
  readonly name: string;
  /** Its app.kubernetes.io/name label. */
  readonly service?: string;
}

export interface DriftReport {
  readonly project: string;
  readonly environment: string;
  readonly context: string;
  readonly namespace: string;
  readonly services: readonly ServiceDrift[];
  readonly orphans: readonly Orphan[];
  readonly drifted: boolean;
}

export interface DriftInput {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  /** Services to report; all when empty. */
  readonly only: readonly string[];
  /** Live objects by "Kind/name": the labelled ones, plus applied objects found by name. */
  readonly live: ReadonlyMap<string, KubernetesObject>;
  readonly releases: readonly ReleaseSummary[];
  /** Service → its latest deployed release record. */
  readonly deployed: ReadonlyMap<string, ReleaseRecord>;
}

const nameLabel = "app.kubernetes.io/name";

/** Pure: live objects against what the deployed releases applied, and against the definitions. */
export function detectDrift(input: DriftInput): DriftReport {
  const { project, env, live, deployed } = input;
  const defined = project.services.get(env.name) ?? [];
  const inScope = (service: string | undefined): boolean =>
    input.only.length === 0 || (service !== undefined && input.only.includes(service));

  const services: ServiceDrift[] = defined
    .filter((s) => inScope(s.spec.name))
    .map((service) => {
      const name = service.spec.name;
      const pending = input.releases.find((r) => r.service === name && r.status === "pending");
      const pendingRevision = pending ? { pendingRevision: pending.revision } : {};
      const record = deployed.get(name);
      if (!record) return { service: name, objects: [], notDeployedYet: true, ...pendingRevision };
      // Rendered with the digests the release pinned, so only a change of definitions changes the hash.
      const rendered = renderServiceObjects(project.name, env, service, {
        digests: new Map(Object.entries(record.digests)),
      });
      return {
        service: name,
        release: { revision: record.revision, version: record.version, objects: record.objects.length },
        objects: record.objects.flatMap((applied) => objectDrift(applied, live.get(objectKey(applied)))),
        notDeployedYet: hashObjects(rendered) !== record.objectsHash,
        ...pendingRevision,
      };
    });

  // What some definition renders, or a defined service's deployed release applied, is accounted for.
  const accounted = new Set([
    ...defined.flatMap((s) => renderServiceObjects(project.name, env, s).map(objectKey)),
    ...defined.flatMap((s) => (deployed.get(s.spec.name)?.objects ?? []).map(objectKey)),
  ]);
  const orphans: Orphan[] = [...live.values()]
    .filter((o) => o.metadata?.labels?.["app.kubernetes.io/managed-by"] === "slipway")
    .filter((o) => !accounted.has(objectKey(o)) && inScope(o.metadata?.labels?.[nameLabel]))
    .map((o) => {
      const service = o.metadata?.labels?.[nameLabel];
      return { kind: o.kind ?? "", name: o.metadata?.name ?? "", ...(service ? { service } : {}) };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));

  return {
    project: project.name,
    environment: env.name,
    context: env.cluster.context,
    namespace: env.cluster.namespace,
    services,
    orphans,
    drifted: orphans.length > 0 || services.some((s) => s.objects.length > 0),
  };
}

function objectDrift(applied: KubernetesObject, live: KubernetesObject | undefined): ObjectDrift[] {
  const id = { kind: applied.kind ?? "", name: applied.metadata?.name ?? "" };
  if (!live) return [{ ...id, state: "missing", fields: [] }];
  // diffObject compares over the fields Slipway sets only: server defaults are not drift.
  const fields = diffObject(applied, live).map((c) => ({
    path: c.path,
    ...(c.from === undefined ? {} : { live: c.from }),
    applied: c.to,
  }));
  if (!fields.length) return [];
  const foreign = foreignFields(
    applied,
    live,
    fields.map((f) => f.path),
  );
  return [{ ...id, state: "changed", fields, ...(foreign.length ? { foreign } : {}) }];
}
