import { defineService } from "slipway";

export default defineService({
  name: "accounting",
  version: "2.3.1",
  image: "accounting",
  description: "Usage, quotas and wallets.",
  dependsOn: ["auth"],
  deployment: {
    replicas: (env) => (env.name.startsWith("prod") ? 2 : 1),
    port: 8080,
    database: "accounting",
    env: {
      AUDIT_URL: (env) => env.values.auditUrl,
      AUDIT_INDEX_PREFIX: (env) => env.auditIndexPrefix,
      AUTH_URL: "http://auth",
      QUOTA_DEFAULTS: { configMap: "accounting-config", key: "quota-defaults" },
    },
    configFiles: [
      { configMap: "accounting-config", mountPath: "/etc/accounting" },
      { configMap: "token-validation", mountPath: "/etc/token-validation" },
    ],
    readiness: { http: { path: "/ready" } },
  },
  service: { port: 80 },
  configMaps: {
    "accounting-config": {
      files: { "accounting.yaml": "./config/accounting.yaml" },
      data: { "quota-defaults": "storage=100Gi;cpu-hours=1000" },
    },
  },
  cronJobs: { "charge-usage": { schedule: "*/15 * * * *", args: ["--run-script", "charge-usage"] } },
  networkPolicy: { allowFrom: ["files", "app-orchestrator"] },
  migrations: {
    // They ship in the image (its build copies ./migrations there); the Job runs them from it.
    image: "/migrations",
    database: "accounting",
    mode: "job",
    job: { args: ["--run-script", "migrate-db"] },
  },
  calls: { "accounting.charge": { request: "./calls/charge.request.json" } },
});
