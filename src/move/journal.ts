import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";

export type MoveStep = "copy" | "deploy" | "compare" | "cutover";

/** A move's journal, kept in the source namespace: a re-run says where it resumes. */
export interface MoveRecord {
  readonly from: string;
  readonly to: string;
  readonly target: string;
  readonly services: readonly string[];
  readonly startedAt: string;
  readonly startedBy: string;
  status: "in-progress" | "done";
  cutover: boolean;
  steps: { readonly step: MoveStep; readonly at: string; readonly message: string }[];
  cutoverAt?: string;
}

const key = "move.json";

export class MoveJournal {
  private readonly name: string;
  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    to: string,
  ) {
    this.name = `slipway.move.to-${to}`;
  }

  async read(): Promise<(MoveRecord & { resourceVersion?: string }) | undefined> {
    const object = (await this.cluster.get("ConfigMap", this.name, this.namespace)) as
      (KubernetesObject & { data?: Record<string, string> }) | undefined;
    const text = object?.data?.[key];
    return text
      ? {
          ...(JSON.parse(text) as MoveRecord),
          ...(object?.metadata?.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
        }
      : undefined;
  }

  /** Writes the record (create or replace); a signoff-like ConfigMap, outside what deploys prune. */
  async write(record: MoveRecord): Promise<void> {
    const existing = await this.cluster.get("ConfigMap", this.name, this.namespace);
    const object = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { "slipway.dev/move-to": record.to },
        ...(existing?.metadata?.resourceVersion
          ? { resourceVersion: existing.metadata.resourceVersion }
          : {}),
      },
      data: { [key]: JSON.stringify(record, null, 2) },
    };
    if (existing) await this.cluster.replace(object);
    else await this.cluster.create(object);
  }
}
