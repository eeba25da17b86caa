import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import { jobLogs, waitForJob } from "../clients/kubernetes/wait-job.ts";
import { renderConfigMaps } from "../render/config.ts";
import type { RenderContext } from "../render/labels.ts";
import { renderMigrationJob } from "../render/workloads.ts";
import { databaseUrl } from "./database-url.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";
import { runDirect } from "./run-direct.ts";

export interface MigrationRun {
  readonly mode: "direct" | "job";
  /** Files applied (direct), or the Job that ran (job). */
  readonly applied: readonly string[];
  /** Files still to apply: what a dry run lists. */
  readonly pending: readonly string[];
  readonly message: string;
  /** A Job's pod logs (job mode). */
  readonly logs?: string;
}

export class MigrationJobFailed extends Error {
  constructor(
    readonly job: string,
    message: string,
    readonly logs: string,
    /** Why, as its pod says it: the reason, the last log lines. */
    readonly evidence: readonly FailureEvidence[] = [],
  ) {
    super(`migration Job ${job} ${message}`);
    this.name = "MigrationJobFailed";
  }
}

export interface MigrationRunOptions {
  readonly project: string;
  readonly dryRun: boolean;
  /** Names the Job of `mode: "job"`: the release revision, so a resumed deploy finds it again. */
  readonly runId: string;
  readonly timeoutMs: number;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** Runs (or, dry, lists) one service's migrations, the way its definition says. */
export async function runServiceMigrations(
  cluster: Cluster,
  env: EnvironmentModel,
  service: ServiceModel,
  options: MigrationRunOptions,
): Promise<MigrationRun> {
  const spec = service.spec.migrations;
  if (!spec) return { mode: "direct", applied: [], pending: [], message: "no migrations" };
  if (spec.mode === "job") {
    const job = renderMigrationJob({ project: options.project, env, service }, options.runId);
    const name = job.metadata?.name ?? "";
    const command = [...(spec.job?.command ?? []), ...(spec.job?.args ?? [])].join(" ");
    if (options.dryRun)
      return {
        mode: "job",
        applied: [],
        pending: [name],
        message: `would run Job ${name} (${command}) from the new image`,
      };
    const existing = await cluster.get("Job", name, env.cluster.namespace);
    if (!existing) {
      await createMissingConfigMaps(cluster, { project: options.project, env, service });
      await cluster.create(job);
    }
    const verdict = await waitForJob(cluster, {
      namespace: env.cluster.namespace,
      name,
      selector: `app.kubernetes.io/name=${service.spec.name}`,
      timeoutMs: options.timeoutMs,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!verdict.successful)
      throw new MigrationJobFailed(
        name,
        verdict.message,
        await jobLogs(cluster, env.cluster.namespace, name).catch(() => ""),
        verdict.evidence,
      );
    return {
      mode: "job",
      applied: [name],
      pending: [],
      message: `Job ${name} ${verdict.message}`,
      // What the Job's program said it applied: the person deploying sees it, as with direct mode.
      logs: await jobLogs(cluster, env.cluster.namespace, name).catch(() => ""),
    };
  }
  const url = await databaseUrl(cluster, env, spec.database);
  const result = await runDirect(url, service.migrations, {
    dryRun: options.dryRun,
    onApplied: (file, ms) => options.onProgress?.(`applied ${file} in ${Math.round(ms)} ms`),
  });
  const names = (list: readonly { name: string }[]): string[] => list.map((f) => f.name);
  return {
    mode: "direct",
    applied: names(result.applied),
    pending: names(result.pending),
    message: options.dryRun
      ? result.pending.length
        ? `pending: ${names(result.pending).join(", ")}`
        : "up to date"
      : result.applied.length
        ? `applied ${names(result.applied).join(", ")}`
        : "up to date",
  };
}

/**
 * The migration Job mounts what the Deployment mounts, and on a first deploy the service's own
 * ConfigMaps do not exist yet (they are applied with the rollout, after the migrations): its pod
 * would wait in ContainerCreating. Those missing are created now; existing ones are left as
 * they are, so a failed migration changes nothing the running version reads.
 */
async function createMissingConfigMaps(cluster: Cluster, ctx: RenderContext): Promise<void> {
  for (const configMap of renderConfigMaps(ctx)) {
    const name = configMap.metadata?.name ?? "";
    if (!(await cluster.get("ConfigMap", name, ctx.env.cluster.namespace))) await cluster.apply(configMap);
  }
}
