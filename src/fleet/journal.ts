import { createHash, randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { configMapWithJson, jsonInConfigMap } from "../clients/kubernetes/json-config-map.ts";
import type { FleetModel } from "../definitions/model.ts";
import type { FleetBakeResult, FleetClusterResult } from "./events.ts";

/** One wave of a fleet deploy as the journal keeps it. */
export interface FleetJournalWave {
  readonly clusters: readonly string[];
  /** Cluster → how its deploy ended; a cluster absent has not finished. */
  readonly finished: Record<string, FleetClusterResult>;
  /** When its bake ends: a resumed deploy bakes only what remains. */
  bakeEndsAt?: string;
  bake?: FleetBakeResult;
  state: "pending" | "deploying" | "baking" | "done" | "stopped";
}

/** A fleet deploy's journal, in the home cluster: which waves are done, so a killed deploy resumes at the right one. */
export interface FleetJournalRecord {
  readonly id: string;
  readonly environment: string;
  /** What this deploy deploys (services, versions, the clusters named): a re-run of the same resumes it. */
  readonly target: string;
  readonly by: string;
  readonly startedAt: string;
  finishedAt?: string;
  status: "running" | "done" | "stopped";
  readonly waves: FleetJournalWave[];
}

export const fleetJournalName = "slipway.fleet-deploy";
const dataKey = "fleet.json";
/** Like the deploy journal: managed by Slipway, but never a service's object (not pruned, not drift). */
const labels = { "app.kubernetes.io/managed-by": "slipway", "slipway.dev/record": "fleet-deploy" } as const;

/** The fingerprint of a fleet deploy's target: the same services at the same versions and objects. */
export function fleetTarget(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

export function fleetJournalOf(configMap: KubernetesObject | undefined): FleetJournalRecord | undefined {
  return jsonInConfigMap<FleetJournalRecord>(configMap, dataKey);
}

export async function readFleetJournal(
  cluster: Cluster,
  namespace: string,
): Promise<FleetJournalRecord | undefined> {
  return fleetJournalOf(await cluster.get("ConfigMap", fleetJournalName, namespace));
}

/**
 * The fleet deploy's journal, a ConfigMap in its home cluster's namespace, written at each
 * step of the line (a wave started, a cluster finished, a bake began and ended). A journal
 * left `running` with the same target is an interrupted deploy: the next run goes on from it.
 */
export class FleetJournal {
  private constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    readonly record: FleetJournalRecord,
    /** Whether this run goes on from an interrupted one. */
    readonly resumed: boolean,
  ) {}

  static async open(input: {
    readonly cluster: Cluster;
    readonly namespace: string;
    readonly environment: string;
    readonly fleet: FleetModel;
    readonly target: string;
    readonly by: string;
  }): Promise<FleetJournal> {
    const previous = await readFleetJournal(input.cluster, input.namespace);
    const sameWaves =
      previous &&
      JSON.stringify(previous.waves.map((w) => w.clusters)) ===
        JSON.stringify(input.fleet.waves.map((w) => w.clusters));
    if (previous && previous.status === "running" && previous.target === input.target && sameWaves)
      return new FleetJournal(input.cluster, input.namespace, previous, true);
    const record: FleetJournalRecord = {
      id: randomBytes(6).toString("hex"),
      environment: input.environment,
      target: input.target,
      by: input.by,
      startedAt: new Date().toISOString(),
      status: "running",
      waves: input.fleet.waves.map((w) => ({ clusters: [...w.clusters], finished: {}, state: "pending" })),
    };
    const journal = new FleetJournal(input.cluster, input.namespace, record, false);
    await journal.write();
    return journal;
  }

  async write(): Promise<void> {
    await this.cluster.apply(
      configMapWithJson(
        { name: fleetJournalName, namespace: this.namespace, key: dataKey },
        labels,
        this.record,
      ),
      {
        force: true,
      },
    );
  }
}
