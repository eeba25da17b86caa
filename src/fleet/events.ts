/** How one cluster of a fleet ended this deploy. */
export type FleetClusterOutcome =
  "deployed" | "unchanged" | "failed" | "refused" | "rolled-back" | "unhealthy";

export interface FleetClusterResult {
  readonly cluster: string;
  readonly outcome: FleetClusterOutcome;
  readonly message: string;
  /** The services this deploy changed there (what `--roll-back-finished-waves` takes back). */
  readonly deployed: readonly string[];
  /** The cluster's own deploy exit code (deploy's: 0, 1, 4, 5, 6). */
  readonly exitCode: number;
  /** Set when the cluster was done by an earlier run of this fleet deploy. */
  readonly resumed?: boolean;
  /** When its deploy began: the audit index's "before" window of its bake ends there. */
  readonly startedAt?: string;
}

export interface FleetBakeResult {
  readonly ms: number;
  /** Cluster → what was wrong during the bake; a cluster absent was healthy. */
  readonly unhealthy: Readonly<Record<string, readonly string[]>>;
  /** Cluster → what its audit index said of each audited call (judged, or why not). */
  readonly audit?: Readonly<Record<string, readonly string[]>>;
}

export interface FleetWaveResult {
  readonly wave: number;
  readonly clusters: readonly FleetClusterResult[];
  readonly bake?: FleetBakeResult;
  readonly failed: number;
  readonly failureBudget: number;
  /** Clusters the wave never started (the line stopped within it). */
  readonly notStarted: readonly string[];
}

export interface FleetRollback {
  readonly cluster: string;
  readonly service: string;
  readonly ok: boolean;
  readonly message: string;
}

export interface FleetReport {
  readonly environment: string;
  /** Every cluster deployed or unchanged, and healthy through its bake. */
  readonly ok: boolean;
  readonly waves: readonly FleetWaveResult[];
  /** The wave whose failures went beyond its budget: no later wave started. */
  readonly stoppedAt?: number;
  /** Waves that never started. */
  readonly notStarted: readonly number[];
  readonly rolledBack?: readonly FleetRollback[];
  /** This run went on from an interrupted fleet deploy. */
  readonly resumed: boolean;
}

/** What a fleet deploy tells as it goes (each cluster's own deploy tells its events, marked with its name). */
export type FleetEvent =
  | { readonly type: "fleet-resumed"; readonly startedAt: string; readonly done: readonly string[] }
  | { readonly type: "fleet-wave-started"; readonly wave: number; readonly clusters: readonly string[] }
  | { readonly type: "fleet-cluster-started"; readonly wave: number; readonly cluster: string }
  | { readonly type: "fleet-cluster-finished"; readonly wave: number; readonly result: FleetClusterResult }
  | {
      readonly type: "fleet-bake-started";
      readonly wave: number;
      readonly clusters: readonly string[];
      readonly until: string;
      /** Set when a resumed deploy bakes what remains of an interrupted bake. */
      readonly remainingMs: number;
    }
  | { readonly type: "fleet-bake-finished"; readonly wave: number; readonly bake: FleetBakeResult }
  | {
      readonly type: "fleet-wave-finished";
      readonly wave: number;
      readonly failed: number;
      readonly failureBudget: number;
      readonly stopsTheLine: boolean;
    }
  | { readonly type: "fleet-rollback"; readonly rollback: FleetRollback };

export type FleetEventSink = (event: FleetEvent) => void;
