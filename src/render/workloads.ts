import { secretParametersHash } from "../definitions/parameters.ts";
import type { V1CronJob, V1Deployment, V1Job } from "@kubernetes/client-node";
import {
  jobPodLabels,
  metadata,
  selectorLabels,
  standardLabels,
  versionAnnotation,
  type RenderContext,
} from "./labels.ts";
import { applyJobPatches } from "./patches.ts";
import { podSpec } from "./pod-template.ts";

export const defaultMinReadySeconds = 5;

export function renderDeployment(ctx: RenderContext): V1Deployment | undefined {
  const { spec } = ctx.service;
  const deployment = spec.deployment;
  if (!deployment) return undefined;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(ctx, spec.name),
    spec: {
      // An autoscaler owns the count: applying one would undo its scaling on every deploy.
      ...(deployment.autoscale ? {} : { replicas: deployment.replicas ?? ctx.env.defaults?.replicas ?? 1 }),
      // A pod that crashes right after turning ready must fail the rollout, not pass it.
      minReadySeconds: deployment.minReadySeconds ?? defaultMinReadySeconds,
      selector: { matchLabels: selectorLabels(ctx) },
      // Old and new pods overlap during a rollout: the procedure proves that is safe.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { ...deployment.podLabels, ...standardLabels(ctx) },
          annotations: {
            ...spec.pod?.annotations,
            [versionAnnotation]: spec.version,
            ...secretParametersAnnotation(ctx),
          },
        },
        spec: podSpec(ctx, { serving: true }),
      },
    },
  };
}

export function renderCronJobs(ctx: RenderContext): V1CronJob[] {
  const { spec } = ctx.service;
  return Object.entries(spec.cronJobs ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, cron]) => ({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: metadata(ctx, `${spec.name}-${name}`, { "app.kubernetes.io/component": name }),
      spec: {
        schedule: cron.schedule,
        // A second run while the first still runs is rarely what a cleanup job wants.
        concurrencyPolicy: cron.concurrency ?? "Forbid",
        ...(cron.suspend !== undefined ? { suspend: cron.suspend } : {}),
        ...(cron.timeZone !== undefined ? { timeZone: cron.timeZone } : {}),
        ...(cron.startingDeadlineSeconds !== undefined
          ? { startingDeadlineSeconds: cron.startingDeadlineSeconds }
          : {}),
        successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: cron.failedJobsHistoryLimit ?? 3,
        jobTemplate: {
          spec: {
            backoffLimit: cron.backoffLimit ?? 1,
            ...(cron.ttlSecondsAfterFinished !== undefined
              ? { ttlSecondsAfterFinished: cron.ttlSecondsAfterFinished }
              : {}),
            template: {
              metadata: {
                labels: jobPodLabels(ctx, name),
                ...podAnnotations(ctx),
              },
              spec: podSpec(ctx, {
                serving: false,
                restartPolicy: "Never",
                command: cron.command,
                args: cron.args,
              }),
            },
          },
        },
      },
    }));
}

/** A named ad-hoc Job: the deployment's image and settings with other arguments. Rendered on demand. */
export function renderAdHocJob(ctx: RenderContext, jobName: string, runId: string): V1Job {
  const job = ctx.service.spec.jobs?.[jobName];
  if (!job) throw new Error(`service ${ctx.service.spec.name} has no job "${jobName}"`);
  return jobObject(ctx, `${ctx.service.spec.name}-${jobName}-${runId}`, jobName, {
    command: job.command,
    args: job.args,
    backoffLimit: job.backoffLimit ?? 0,
    ...(job.ttlSecondsAfterFinished !== undefined
      ? { ttlSecondsAfterFinished: job.ttlSecondsAfterFinished }
      : {}),
  });
}

/** A verification Job of the new version, run after its rollout; named by the release's revision. */
export function renderVerifyJob(ctx: RenderContext, name: string, runId: string): V1Job {
  const job = ctx.service.spec.verify?.[name];
  if (!job) throw new Error(`service ${ctx.service.spec.name} has no verification "${name}"`);
  return jobObject(ctx, `${ctx.service.spec.name}-verify-${name}-${runId}`, "verify", {
    command: job.command,
    args: job.args,
    backoffLimit: job.backoffLimit ?? 0,
    podLabels: job.podLabels,
  });
}

/** The migration Job of `mode: "job"`: the new image running the service's own migration command. */
/** The migration Job's name: a deploy names it after its release (`r<revision>`), so a re-run finds it. */
export const migrationJobName = (service: string, runId: string): string =>
  `${service}-migrate-${runId}`.slice(0, 63).replace(/-+$/, "");

export function renderMigrationJob(ctx: RenderContext, runId: string): V1Job {
  const migrations = ctx.service.spec.migrations;
  if (!migrations?.job)
    throw new Error(`service ${ctx.service.spec.name} does not run its migrations as a job`);
  return jobObject(ctx, migrationJobName(ctx.service.spec.name, runId), "migrate", {
    command: migrations.job.command,
    args: migrations.job.args,
    backoffLimit: 0,
  });
}

interface JobSettings {
  readonly command: readonly string[] | undefined;
  readonly args: readonly string[] | undefined;
  readonly backoffLimit: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly podLabels?: Readonly<Record<string, string>> | undefined;
}

/** The service's pod annotations, on every pod template it renders. */
const podAnnotations = (ctx: RenderContext): { annotations?: Record<string, string> } =>
  ctx.service.spec.pod?.annotations ? { annotations: { ...ctx.service.spec.pod.annotations } } : {};

function jobObject(ctx: RenderContext, name: string, component: string, settings: JobSettings): V1Job {
  // Patches of kind Job apply here, the one place every Job of the service is rendered.
  return applyJobPatches(ctx, unpatchedJob(ctx, name, component, settings)) as V1Job;
}

function unpatchedJob(
  ctx: RenderContext,
  name: string,
  component: string,
  { command, args, backoffLimit, ttlSecondsAfterFinished, podLabels }: JobSettings,
): V1Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadata(ctx, name.slice(0, 63).replace(/-+$/, ""), {
      "app.kubernetes.io/component": component,
    }),
    spec: {
      backoffLimit,
      ttlSecondsAfterFinished: ttlSecondsAfterFinished ?? 86_400,
      template: {
        metadata: {
          labels: { ...podLabels, ...jobPodLabels(ctx, component) },
          ...podAnnotations(ctx),
        },
        spec: podSpec(ctx, { serving: false, restartPolicy: "Never", command, args }),
      },
    },
  };
}

/** A new value of a secret parameter changes the pod template (by its hash), so pods restart with it. */
const secretParametersAnnotation = (ctx: RenderContext): Record<string, string> => {
  const hash = secretParametersHash(ctx.service.spec.parameters, ctx.service.parameters);
  return hash ? { "slipway.dev/secret-parameters": hash } : {};
};
