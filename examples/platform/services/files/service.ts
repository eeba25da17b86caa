import { defineService } from "slipway";

export default defineService({
  name: "files",
  version: "1.4.0",
  image: "files",
  description: "File browsing, uploads and shares.",
  dependsOn: ["auth", "accounting"],
  deployment: {
    replicas: (env) => (env.name.startsWith("prod") ? 3 : 1),
    port: 8080,
    database: "files",
    env: {
      AUDIT_URL: (env) => env.values.auditUrl,
      AUDIT_INDEX_PREFIX: (env) => env.auditIndexPrefix,
      AUTH_URL: "http://auth",
      ACCOUNTING_URL: "http://accounting",
      STORAGE_ACCESS_KEY: { secret: "files-storage", key: "access-key" },
    },
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    liveness: { http: { path: "/healthz" }, initialDelaySeconds: 10 },
    readiness: { http: { path: "/ready" } },
    configFiles: [
      { configMap: "files-config", mountPath: "/etc/files" },
      { configMap: "token-validation", mountPath: "/etc/token-validation" },
    ],
    secretFiles: [{ secret: "files-tls", mountPath: "/etc/files/tls" }],
  },
  service: { port: 80 },
  ingress: {
    host: (env) => env.values.domain,
    path: "/files",
  },
  configMaps: { "files-config": { files: { "files.yaml": "./config/files.yaml" } } },
  secrets: ["files-storage", "files-tls"],
  volumes: { scratch: { size: "10Gi", mountPath: "/var/lib/files/scratch" } },
  cronJobs: { "expire-shares": { schedule: "0 3 * * *", args: ["--run-script", "expire-shares"] } },
  jobs: { reindex: { args: ["--run-script", "reindex"] } },
  networkPolicy: { allowFrom: ["app-orchestrator"] },
  migrations: { path: "./migrations", database: "files", mode: "direct" },
  calls: {
    "files.browse": { request: "./calls/browse.request.json" },
    "files.upload": { request: "./calls/upload.request.json" },
  },
});
