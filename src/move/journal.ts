import type { Cluster } from "../clients/kubernetes/cluster.ts";
import {
  readJsonConfigMap,
  writeJsonConfigMap,
  type JsonConfigMapRef,
} from "../clients/kubernetes/json-config-map.ts";

export type MoveStep = "copy" | "deploy" | "compare" | "cutover" | "revert-cutover";

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

/** Kept in a ConfigMap outside what deploys render and prune, as signoffs are. */
export class MoveJournal {
  private readonly ref: JsonConfigMapRef;
  constructor(
    private readonly cluster: Cluster,
    namespace: string,
    to: string,
  ) {
    this.ref = { namespace, name: `slipway.move.to-${to}`, key: "move.json" };
  }

  read(): Promise<MoveRecord | undefined> {
    return readJsonConfigMap<MoveRecord>(this.cluster, this.ref);
  }

  write(record: MoveRecord): Promise<void> {
    return writeJsonConfigMap(this.cluster, this.ref, record, { "slipway.dev/move-to": record.to });
  }
}
