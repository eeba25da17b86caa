import { z } from "zod";
import { scheduleProblem, timeZoneProblem } from "../cron-schedule.ts";
import { labelKey, labelValue, port } from "./formats.ts";
import { containerSettings, probe } from "./pod.ts";

/** What the service runs: its Deployment, its CronJobs, its ad-hoc Jobs and its verification Jobs. */

const intOrPercent = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d+%$/, { message: 'must be a number or a percentage such as "25%"' }),
]);

export const deployment = z.strictObject({
  replicas: z.number().int().min(0).optional().meta({
    description: "its replicas (not applied with `autoscale`)",
    default: "the environment's `defaults.replicas`, else 1",
    example: 'replicas: (env) => (env.name === "prod" ? 3 : 1)',
  }),
  /** Seconds a new pod must stay ready before it counts as available: catches a crash right after start. */
  minReadySeconds: z.number().int().min(0).optional().meta({
    description: "seconds a new pod must stay ready before it counts: catches a crash right after start",
    example: "minReadySeconds: 10",
  }),
  /** Extra labels on the pods (not on the selector): for policies, monitoring, fault injection. */
  podLabels: z.record(labelKey, labelValue).optional().meta({
    description: "extra labels on the pods (not on the selector)",
    example: 'podLabels: { team: "storage" }',
  }),
  port: port
    .optional()
    .meta({ description: "the container port, and the Service's target", example: "port: 8080" }),
  ...containerSettings,
  liveness: probe.optional().meta({
    description: "the liveness probe: one of `http`, `tcp` or `exec`, and its timing",
    example: 'liveness: { http: { path: "/healthz" } }',
  }),
  readiness: probe.optional().meta({
    description: "the readiness probe",
    example: 'readiness: { http: { path: "/ready" }, periodSeconds: 5 }',
  }),
  /**
   * Seconds a terminating pod keeps serving (a preStop sleep) while its endpoint leaves every
   * node's Service routing; default 5 for a service with a Service, 0 turns it off.
   */
  drainSeconds: z.number().int().min(0).max(300).optional().meta({
    description:
      "seconds a terminating pod keeps serving (preStop sleep) while its endpoint leaves the Services; 0: off",
    default: "5 with a Service, else 0",
    example: "drainSeconds: 10",
  }),
  /** A PodDisruptionBudget: how many pods a node drain may take down at once. */
  disruptionBudget: z
    .strictObject({
      minAvailable: intOrPercent
        .optional()
        .meta({ description: "pods a drain must leave running", example: 'minAvailable: "50%"' }),
      maxUnavailable: intOrPercent
        .optional()
        .meta({ description: "pods a drain may take down at once", example: "maxUnavailable: 1" }),
    })
    .optional()
    .meta({
      description: "a PodDisruptionBudget: `minAvailable` or `maxUnavailable`, a number or a percentage",
      example: "disruptionBudget: { maxUnavailable: 1 }",
    }),
  /** A HorizontalPodAutoscaler, which then owns the replica count: `replicas` is not applied. */
  autoscale: z
    .strictObject({
      minReplicas: z.number().int().min(1).meta({ description: "its least", example: "minReplicas: 2" }),
      maxReplicas: z.number().int().min(1).meta({ description: "its most", example: "maxReplicas: 6" }),
      /** Target average utilisation, in percent of the requests. */
      cpu: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .meta({ description: "target average CPU, in percent of the requests", example: "cpu: 75" }),
      memory: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .meta({ description: "target average memory, in percent of the requests", example: "memory: 80" }),
    })
    .optional()
    .meta({
      description: "a HorizontalPodAutoscaler, which then owns the replica count",
      example: "autoscale: { minReplicas: 2, maxReplicas: 6, cpu: 75 }",
    }),
});

/** A check written as a function of the value, which says what is wrong with it. */
const refuse =
  (problem: (value: string) => string | undefined) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message });
  };

export const cronJob = z.strictObject({
  /** Five cron fields or a macro, as the API server takes them (cron-schedule.ts). */
  schedule: z.string().superRefine(refuse(scheduleProblem)).meta({
    description: "five cron fields or `@daily` and the like, as the API server takes them",
    example: 'schedule: "*/15 * * * *"',
  }),
  args: z
    .array(z.string())
    .optional()
    .meta({ description: "the container's arguments", example: 'args: ["--run-script", "expire-shares"]' }),
  command: z
    .array(z.string())
    .optional()
    .meta({ description: "its command", example: 'command: ["node", "sweep.js"]' }),
  concurrency: z.enum(["Forbid", "Allow", "Replace"]).optional().meta({
    description: "`Forbid`, `Allow` or `Replace`",
    default: "`Forbid`",
    example: 'concurrency: "Replace"',
  }),
  suspend: z
    .boolean()
    .optional()
    .meta({ description: "rendered but not scheduled", example: "suspend: true" }),
  /** An IANA time zone for the schedule, such as "Europe/Oslo"; the controller's (UTC) by default. */
  timeZone: z.string().superRefine(refuse(timeZoneProblem)).optional().meta({
    description: "an IANA time zone for the schedule",
    default: "UTC",
    example: 'timeZone: "Europe/Oslo"',
  }),
  /** Seconds after a missed start within which it still starts. */
  startingDeadlineSeconds: z.number().int().min(0).optional().meta({
    description: "seconds after a missed start within which it still starts",
    example: "startingDeadlineSeconds: 600",
  }),
  successfulJobsHistoryLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "finished Jobs kept", example: "successfulJobsHistoryLimit: 1" }),
  failedJobsHistoryLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "failed Jobs kept", example: "failedJobsHistoryLimit: 5" }),
  backoffLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "retries of a run", example: "backoffLimit: 3" }),
  ttlSecondsAfterFinished: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "seconds a finished Job stays", example: "ttlSecondsAfterFinished: 3600" }),
});

export const adHocJob = z.strictObject({
  args: z
    .array(z.string())
    .optional()
    .meta({ description: "the container's arguments", example: 'args: ["reindex", "--all"]' }),
  command: z
    .array(z.string())
    .optional()
    .meta({ description: "its command", example: 'command: ["node", "reindex.js"]' }),
  backoffLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "retries", example: "backoffLimit: 2" }),
  /** Seconds a finished Job stays before Kubernetes deletes it. Default a day. */
  ttlSecondsAfterFinished: z.number().int().min(0).optional().meta({
    description: "seconds the finished Job stays",
    default: "a day",
    example: "ttlSecondsAfterFinished: 600",
  }),
});

/** A Job run after the rollout against the new version (smoke or contract tests): it must succeed. */
export const verifyJob = z.strictObject({
  args: z
    .array(z.string())
    .optional()
    .meta({ description: "the container's arguments", example: 'args: ["--run-script", "smoke-test"]' }),
  command: z
    .array(z.string())
    .optional()
    .meta({ description: "its command", example: 'command: ["node", "smoke.js"]' }),
  /** Retries before the verification counts as failed. Default 0. */
  backoffLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "retries before it counts as failed", default: "0", example: "backoffLimit: 1" }),
  /** Extra labels on the Job's pod. */
  podLabels: z.record(labelKey, labelValue).optional().meta({
    description: "extra labels on its pod",
    example: 'podLabels: { "chaos.example.org/exclude": "true" }',
  }),
});
