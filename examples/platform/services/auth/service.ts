import { defineService } from "slipway";

export default defineService({
  name: "auth",
  version: "1.0.0",
  image: "auth",
  description: "Users, sessions and tokens.",
  // A deploy-time override for an investigation: slipway deploy auth -e dev --set auth.logLevel=trace
  parameters: {
    logLevel: { type: "string", description: "the log level; by default debug in dev, info in prod" },
  },
  deployment: {
    replicas: (env) => (env.name.startsWith("prod") ? 3 : 1),
    port: 8080,
    database: "auth",
    env: {
      AUDIT_URL: (env) => env.values.auditUrl,
      AUDIT_INDEX_PREFIX: (env) => env.auditIndexPrefix,
      LOG_LEVEL: (env, params) => params.logLevel ?? (env.name.startsWith("prod") ? "info" : "debug"),
      TOKEN_SIGNING_KEY: { secret: "auth-signing-key", key: "private.pem" },
    },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    liveness: { http: { path: "/healthz" } },
    readiness: { http: { path: "/ready" }, periodSeconds: 5 },
    configFiles: [{ configMap: "token-validation", mountPath: "/etc/token-validation" }],
  },
  service: { port: 80 },
  ingress: {
    host: (env) => env.values.domain,
    path: "/auth",
  },
  // How every service checks the tokens auth issues: one copy, owned here, mounted by all.
  configMaps: {
    "token-validation": {
      shared: true,
      data: {
        issuer: (env) => `https://${env.values.domain}/auth`,
        audience: "research-cloud",
        "jwks-path": "/auth/.well-known/jwks.json",
      },
    },
  },
  secrets: ["auth-signing-key"],
  networkPolicy: { allowFrom: ["accounting", "files", "mail", "app-orchestrator"] },
  migrations: { path: "./migrations", database: "auth", mode: "direct" },
  calls: {
    "auth.login": { request: "./calls/login.request.json", audited: true },
    "auth.refresh": {
      request: {
        type: "object",
        properties: { refreshToken: { type: "string" } },
        required: ["refreshToken"],
      },
      audited: false,
    },
  },
});
