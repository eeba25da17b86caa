import { syncAuditIndices } from "../audit/sync.ts";
import { applyAll } from "../clients/kubernetes/apply-objects.ts";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { waitForRollout } from "../clients/kubernetes/wait-rollout.ts";
import { objectKey } from "../plan/live-state.ts";
import type { ReleaseRecord } from "../release/record.ts";
import { labelSafe } from "../render/labels.ts";
import type { DeployEventSink } from "./events.ts";
import type { RestoreOptions } from "./options.ts";
import type { ServiceResult } from "./report.ts";
import type { ServiceRun } from "./step.ts";
import { deleteIfManaged } from "./steps/prune.ts";

export interface Restored {
  readonly successful: boolean;
  readonly message: string;
}

/**
 * Re-applies a recorded release's objects (taking fields back), waits until its Deployment is
 * available, and brings its calls' audit indices back to its request types.
 */
export async function restoreRelease(
  cluster: Cluster,
  release: ReleaseRecord,
  options: RestoreOptions,
  emit: DeployEventSink,
): Promise<Restored> {
  const namespace = release.objects[0]?.metadata?.namespace ?? "default";
  try {
    await applyAll(cluster, release.objects, {
      force: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    return { successful: false, message: (error as Error).message };
  }
  let message = "applied";
  const deployment = release.objects.find((o) => o.kind === "Deployment");
  if (deployment) {
    const verdict = await waitForRollout(cluster, {
      namespace,
      service: release.service,
      deployment: deployment.metadata?.name ?? release.service,
      since: new Date(),
      version: labelSafe(release.version),
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!verdict.successful) return { successful: false, message: verdict.message };
    message = verdict.message;
  }
  return { successful: true, message: await restoreAuditIndices(release, options, message, emit) };
}

/** The restored version writes its own request types: its calls' audit indices follow it back. */
async function restoreAuditIndices(
  release: ReleaseRecord,
  options: RestoreOptions,
  message: string,
  emit: DeployEventSink,
): Promise<string> {
  if (!options.search || !release.calls.some((c) => c.audited)) return message;
  const tell = (text: string): void =>
    emit({
      type: "rollback",
      service: release.service,
      phase: "progress",
      toRevision: release.revision,
      message: text,
    });
  try {
    const changed = await syncAuditIndices(
      options.search,
      release.service,
      release.calls,
      options.auditIndexPrefix,
    );
    for (const c of changed) tell(`audit index ${c}`);
    return message;
  } catch (error) {
    // The workloads are back; an index left ahead is reported, not fatal: old documents still land.
    tell(`audit index not restored: ${(error as Error).message}`);
    return `${message}; audit index not restored: ${(error as Error).message}`;
  }
}

/**
 * A failed rollout (or verification): the release is marked failed and, unless told not to,
 * the previous release is restored and what only the failed one had is removed.
 */
export async function rollBack(
  run: ServiceRun,
  reason: string,
  how: { readonly resumed?: boolean } = {},
): Promise<ServiceResult> {
  const { store, previous, options } = run;
  const release = run.release as ReleaseRecord;
  release.status = "failed";
  release.finishedAt = new Date().toISOString();
  const result = (outcome: ServiceResult["outcome"], message: string): ServiceResult => ({
    service: release.service,
    outcome,
    revision: release.revision,
    message: `${reason}; ${message}`,
  });
  if (!options.rollback || !previous) {
    release.description += options.rollback
      ? " (failed; no earlier release to roll back to)"
      : " (failed; left for inspection: --no-rollback)";
    await store.update(release);
    return result(
      "failed",
      options.rollback ? "no earlier release to roll back to" : "not rolled back (--no-rollback)",
    );
  }
  const event = { type: "rollback", service: release.service, toRevision: previous.revision } as const;
  run.emit({
    ...event,
    phase: "started",
    message: `${how.resumed ? "resuming the interrupted rollback" : "rolling back"} to revision ${previous.revision} (${previous.version})`,
  });
  const restored = await restoreRelease(run.cluster, previous, options, run.emit);
  if (restored.successful) {
    const kept = new Set(previous.objects.map(objectKey));
    for (const o of release.objects.filter((o) => !kept.has(objectKey(o))))
      await deleteIfManaged(
        run.cluster,
        o.kind ?? "",
        o.metadata?.name ?? "",
        o.metadata?.namespace ?? "default",
      );
  }
  release.rollback = {
    toRevision: previous.revision,
    outcome: restored.successful ? "succeeded" : "failed",
    message: restored.message,
  };
  await store.update(release);
  run.emit({
    ...event,
    phase: "finished",
    successful: restored.successful,
    message: restored.successful
      ? `rolled back to revision ${previous.revision}: ${restored.message}`
      : `ROLLBACK FAILED: ${restored.message}`,
  });
  return restored.successful
    ? result("rolled-back", `rolled back to revision ${previous.revision} (${previous.version})`)
    : result("failed", `rollback to revision ${previous.revision} failed: ${restored.message}`);
}
