import type { KubernetesObject } from "@kubernetes/client-node";
import { createHash } from "node:crypto";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import { podReferences } from "../checks/references/pod-references.ts";

export interface Reference {
  readonly kind: "Secret" | "ConfigMap";
  readonly name: string;
}

/** What copying one referenced object did; values are never part of it. */
export interface CopyResult extends Reference {
  readonly outcome: "copied" | "present" | "differs" | "missing-in-source";
}

/**
 * Secrets and ConfigMaps the rendered objects use but do not render themselves (the ones users
 * create by hand: credentials, database URLs, the pull secret), plus the databases' Secrets that
 * Slipway's own migrations read.
 */
export function referencedObjects(
  env: EnvironmentModel,
  services: readonly ServiceModel[],
  rendered: readonly KubernetesObject[],
): Reference[] {
  const found = new Map<string, Reference>();
  const add = (kind: Reference["kind"], name: string | undefined): void => {
    if (name) found.set(`${kind}/${name}`, { kind, name });
  };
  // The same walk of the pod templates as the plan's references check: init containers, projected
  // volumes and optional ones included (an optional one is copied when the source has it).
  for (const r of podReferences(rendered)) add(r.kind, r.name);
  for (const s of services) {
    for (const name of s.spec.secrets ?? []) add("Secret", name);
    const database = s.spec.migrations?.database;
    if (database) add("Secret", env.databases?.[database]?.secret);
  }
  for (const o of rendered) found.delete(`${o.kind}/${o.metadata?.name}`);
  return [...found.values()].sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}

const contentHash = (o: KubernetesObject & { data?: unknown; binaryData?: unknown; type?: string }): string =>
  createHash("sha256")
    .update(JSON.stringify([o.type ?? null, o.data ?? null, o.binaryData ?? null]))
    .digest("hex");

/**
 * Copies each referenced object from the source namespace to the target one. An object already
 * in the target is kept as it is (it may hold the target's own credentials); only whether it
 * differs is reported, never the values.
 */
export async function copyReferences(
  refs: readonly Reference[],
  source: { cluster: Cluster; namespace: string },
  target: { cluster: Cluster; namespace: string },
): Promise<CopyResult[]> {
  const results: CopyResult[] = [];
  for (const ref of refs) {
    const original = (await source.cluster.get(ref.kind, ref.name, source.namespace)) as
      | (KubernetesObject & {
          data?: Record<string, string>;
          binaryData?: Record<string, string>;
          type?: string;
        })
      | undefined;
    if (!original) {
      results.push({ ...ref, outcome: "missing-in-source" });
      continue;
    }
    const existing = await target.cluster.get(ref.kind, ref.name, target.namespace);
    if (existing) {
      results.push({
        ...ref,
        outcome: contentHash(existing) === contentHash(original) ? "present" : "differs",
      });
      continue;
    }
    await target.cluster.create({
      apiVersion: "v1",
      kind: ref.kind,
      metadata: {
        name: ref.name,
        namespace: target.namespace,
        ...(original.metadata?.labels ? { labels: original.metadata.labels } : {}),
        annotations: { "slipway.dev/copied-from": `${source.cluster.context}/${source.namespace}` },
      },
      ...(original.type ? { type: original.type } : {}),
      ...(original.data ? { data: original.data } : {}),
      ...(original.binaryData ? { binaryData: original.binaryData } : {}),
    } as KubernetesObject);
    results.push({ ...ref, outcome: "copied" });
  }
  return results;
}
