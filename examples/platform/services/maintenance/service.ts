import { defineService } from "slipway";

// Housekeeping that runs no server: only a CronJob and an ad-hoc Job, so no Deployment, no
// Service and no rollout to wait for (`slipway job run maintenance reindex -e dev` starts the Job).
export default defineService({
  name: "maintenance",
  version: "1.0.0",
  image: "maintenance",
  description: "Nightly housekeeping: prunes audit entries past their retention.",
  parameters: {
    retentionDays: { type: "number", default: 400, description: "how long audit entries are kept" },
  },
  container: {
    env: {
      SEARCH_URL: (env) => env.values.auditUrl,
      RETENTION_DAYS: (_env, params) => String(params.retentionDays),
    },
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
  },
  cronJobs: {
    "prune-audit": {
      schedule: "15 3 * * *",
      timeZone: "Europe/Oslo",
      args: ["prune-audit"],
      successfulJobsHistoryLimit: 1,
      backoffLimit: 2,
    },
  },
  jobs: { reindex: { args: ["reindex"], ttlSecondsAfterFinished: 3600 } },
});
