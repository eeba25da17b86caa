import { defineService } from "slipway";

export default defineService({
  name: "app-orchestrator",
  version: "3.0.0",
  image: "app-orchestrator",
  description: "Starts and stops compute applications for users.",
  dependsOn: ["auth", "accounting", "files"],
  deployment: {
    replicas: (env) => (env.name.startsWith("prod") ? 2 : 1),
    port: 8080,
    database: "orchestrator",
    env: {
      AUTH_URL: "http://auth",
      ACCOUNTING_URL: "http://accounting",
      FILES_URL: "http://files",
      AUDIT_URL: (env) => env.values.auditUrl,
      AUDIT_INDEX_PREFIX: (env) => env.auditIndexPrefix,
    },
    liveness: { http: { path: "/healthz" } },
    readiness: { http: { path: "/ready" } },
    configFiles: [{ configMap: "token-validation", mountPath: "/etc/token-validation" }],
  },
  service: { port: 80 },
  // The users' entry to their applications: the API under the platform's host, and each
  // running application's pages under a host of their own.
  ingress: {
    annotations: { "nginx.ingress.kubernetes.io/proxy-read-timeout": "300" },
    rules: [
      {
        host: (env) => env.values.domain,
        paths: [
          { path: "/apps" },
          { path: "/apps/start", pathType: "Exact" },
          { path: "/apps/stop", pathType: "Exact" },
        ],
      },
      {
        host: (env) => env.values.appsDomain,
        paths: [{ path: "/" }],
      },
    ],
  },
  // It starts application pods: it needs to manage Jobs in its own namespace.
  serviceAccount: {
    rules: [
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch", "create", "delete"] },
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
    ],
  },
  jobs: { "gc-applications": { args: ["--run-script", "gc-applications"] } },
  migrations: { path: "./migrations", database: "orchestrator", mode: "direct" },
  calls: {
    "apps.start": { request: "./calls/start.request.json" },
    "apps.stop": {
      request: { type: "object", properties: { jobId: { type: "string" } }, required: ["jobId"] },
    },
  },
});
