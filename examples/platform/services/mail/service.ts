import { defineService } from "slipway";

export default defineService({
  name: "mail",
  version: "0.9.2",
  image: "mail",
  description: "Notifications by e-mail.",
  dependsOn: ["auth"],
  deployment: {
    port: 8080,
    database: "mail",
    env: {
      AUDIT_URL: (env) => env.values.auditUrl,
      AUDIT_INDEX_PREFIX: (env) => env.auditIndexPrefix,
      SMTP_HOST: (env) => (env.name.startsWith("prod") ? "smtp.example.org" : "mailhog.dev.svc"),
      SMTP_PASSWORD: { secret: "mail-smtp", key: "password" },
    },
    readiness: { tcp: {} },
    configFiles: [{ configMap: "token-validation", mountPath: "/etc/token-validation" }],
  },
  service: { port: 80 },
  secrets: ["mail-smtp"],
  // After the rollout, before the release counts: the new version sends itself a test message.
  verify: { smoke: { args: ["--run-script", "smoke-test"] } },
  networkPolicy: { allowFrom: ["files", "accounting", "app-orchestrator"] },
  migrations: { path: "./migrations", database: "mail", mode: "direct", queries: "./queries.sql" },
  calls: { "mail.send": { request: "./calls/send.request.json" } },
});
