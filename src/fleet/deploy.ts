import pLimit from "p-limit";
import type { FleetModel } from "../definitions/model.ts";
import type { TimeWindow } from "../canary/analysis.ts";
import { bakeWave, type BakedCluster } from "./bake.ts";
import type { BakeAuditVerdict } from "./bake-audit.ts";
import type {
  FleetClusterResult,
  FleetEventSink,
  FleetReport,
  FleetRollback,
  FleetWaveResult,
} from "./events.ts";
import type { FleetJournal } from "./journal.ts";

/** What the fleet deploy asks of each cluster; the CLI gives it the single-cluster procedure. */
export interface FleetRunner {
  /** Deploys one cluster of the fleet whole: its plan, its lock, the procedure, its records. */
  deploy(cluster: string): Promise<FleetClusterResult>;
  /** Where a cluster's release is watched during a bake. */
  bakeTarget(cluster: string): BakedCluster;
  /** What the cluster's audit index says of its bake (none: not judged, e.g. no search server). */
  judgeBake(cluster: string, deployedAt: Date, bake: TimeWindow): Promise<BakeAuditVerdict | undefined>;
  /** Takes the services back to their previous release on one cluster. */
  rollBack(cluster: string, services: readonly string[]): Promise<FleetRollback[]>;
}

export interface FleetDeployOptions {
  readonly rollBackFinishedWaves: boolean;
  readonly signal?: AbortSignal;
  /** How often a bake samples its clusters. */
  readonly bakeEveryMs?: number;
}

const failed = (r: FleetClusterResult): boolean => !["deployed", "unchanged"].includes(r.outcome);

/**
 * A fleet deploy: its waves in order, each cluster of a wave through the whole procedure
 * (`maxParallel` at a time), then the wave's bake; a wave whose failures (deploys and bakes)
 * go beyond its budget stops the line, and with `rollBackFinishedWaves` the clusters already
 * deployed are taken back. Every step is written to the journal first, so a killed deploy run
 * again goes on at the wave, cluster and bake it had reached.
 */
export async function runFleetDeploy(
  fleet: FleetModel,
  journal: FleetJournal,
  runner: FleetRunner,
  emit: FleetEventSink,
  options: FleetDeployOptions,
): Promise<FleetReport> {
  const record = journal.record;
  if (journal.resumed)
    emit({
      type: "fleet-resumed",
      startedAt: record.startedAt,
      done: record.waves.flatMap((w) => Object.keys(w.finished)),
    });
  const waves: FleetWaveResult[] = [];
  let stoppedAt: number | undefined;
  for (const [index, wave] of fleet.waves.entries()) {
    const entry = record.waves[index];
    if (!entry) throw new Error(`internal: the fleet journal has no wave ${index + 1}`);
    const number = index + 1;
    if (entry.state !== "done") {
      emit({ type: "fleet-wave-started", wave: number, clusters: wave.clusters });
      entry.state = entry.state === "baking" ? "baking" : "deploying";
      await journal.write();
      const failuresSoFar = (): number => Object.values(entry.finished).filter(failed).length;
      const limit = pLimit(wave.maxParallel);
      await Promise.all(
        wave.clusters
          .filter((name) => !entry.finished[name])
          .map((name) =>
            limit(async () => {
              // Beyond the budget the line stops: clusters not yet started are left as they are.
              if (failuresSoFar() > wave.failureBudget || options.signal?.aborted) return;
              emit({ type: "fleet-cluster-started", wave: number, cluster: name });
              const startedAt = new Date().toISOString();
              const result = { ...(await runner.deploy(name)), startedAt };
              entry.finished[name] = result;
              await journal.write();
              emit({ type: "fleet-cluster-finished", wave: number, result });
            }),
          ),
      );
      if (failuresSoFar() <= wave.failureBudget && wave.bakeMs > 0) {
        const healthy = wave.clusters.filter((name) => {
          const r = entry.finished[name];
          return r !== undefined && !failed(r);
        });
        entry.bakeEndsAt ??= new Date(Date.now() + wave.bakeMs).toISOString();
        entry.state = "baking";
        await journal.write();
        const remainingMs = Math.max(0, Date.parse(entry.bakeEndsAt) - Date.now());
        emit({
          type: "fleet-bake-started",
          wave: number,
          clusters: healthy,
          until: entry.bakeEndsAt,
          remainingMs,
        });
        const bake = await bakeWave(
          healthy.map((name) => runner.bakeTarget(name)),
          remainingMs,
          {
            ...(options.bakeEveryMs ? { everyMs: options.bakeEveryMs } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          },
        );
        // Then each healthy cluster's calls, from its audit index, over the whole bake.
        const bakeWindow = {
          from: new Date(Date.parse(entry.bakeEndsAt) - wave.bakeMs),
          to: new Date(Date.parse(entry.bakeEndsAt)),
        };
        const unhealthy: Record<string, readonly string[]> = { ...bake.unhealthy };
        const audit: Record<string, readonly string[]> = {};
        for (const name of healthy) {
          const deployedAt = new Date(entry.finished[name]?.startedAt ?? bakeWindow.from.toISOString());
          const verdict = await runner
            .judgeBake(name, deployedAt, bakeWindow)
            .catch((error: unknown): BakeAuditVerdict => ({
              problems: [],
              notes: [`the audit index could not be read: ${(error as Error).message.split("\n")[0] ?? ""}`],
            }));
          if (!verdict) continue;
          audit[name] = [...verdict.problems, ...verdict.notes];
          if (verdict.problems.length) unhealthy[name] = [...(unhealthy[name] ?? []), ...verdict.problems];
        }
        entry.bake = { ...bake, unhealthy, ...(Object.keys(audit).length ? { audit } : {}) };
        for (const [name, problems] of Object.entries(unhealthy)) {
          const before = entry.finished[name];
          if (before)
            entry.finished[name] = {
              ...before,
              outcome: "unhealthy",
              message: `unhealthy during the bake: ${problems.join("; ")}`,
            };
        }
        emit({ type: "fleet-bake-finished", wave: number, bake: entry.bake });
      }
      const stops = failuresSoFar() > wave.failureBudget;
      entry.state = stops ? "stopped" : "done";
      await journal.write();
      emit({
        type: "fleet-wave-finished",
        wave: number,
        failed: failuresSoFar(),
        failureBudget: wave.failureBudget,
        stopsTheLine: stops,
      });
      if (stops) stoppedAt = number;
    }
    waves.push({
      wave: number,
      clusters: wave.clusters.flatMap((name) => {
        const r = entry.finished[name];
        return r ? [r] : [];
      }),
      ...(entry.bake ? { bake: entry.bake } : {}),
      failed: Object.values(entry.finished).filter(failed).length,
      failureBudget: wave.failureBudget,
      notStarted: wave.clusters.filter((name) => !entry.finished[name]),
    });
    if (stoppedAt !== undefined) break;
  }

  const rolledBack: FleetRollback[] = [];
  if (stoppedAt !== undefined && options.rollBackFinishedWaves)
    for (const wave of waves)
      for (const r of wave.clusters)
        if (r.outcome === "deployed" || (r.outcome === "unhealthy" && r.deployed.length))
          for (const rollback of await runner.rollBack(r.cluster, r.deployed)) {
            rolledBack.push(rollback);
            emit({ type: "fleet-rollback", rollback });
          }

  record.status = stoppedAt === undefined ? "done" : "stopped";
  record.finishedAt = new Date().toISOString();
  await journal.write();
  return {
    environment: record.environment,
    ok: stoppedAt === undefined && waves.every((w) => w.failed === 0),
    waves,
    ...(stoppedAt !== undefined ? { stoppedAt } : {}),
    notStarted: fleet.waves.map((_, i) => i + 1).filter((n) => n > waves.length),
    ...(options.rollBackFinishedWaves && stoppedAt !== undefined ? { rolledBack } : {}),
    resumed: journal.resumed,
  };
}
