import type { KubernetesObject } from "@kubernetes/client-node";

/** A marker in every Secret value of the fixture: it must never appear in what import writes or prints. */
export const secretMarker = "S3CRET-VALUE-must-never-leak";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

/**
 * What a team runs today in a namespace, made by hand as kubectl would (no Slipway labels):
 * a web service with an Ingress of many rules, an autoscaler, a disruption budget, its own and a
 * shared ConfigMap, a StatefulSet and fields no definition field gives (startupProbe, envFrom,
 * topologySpreadConstraints); a jobs-only reports service (a CronJob and an ad-hoc Job) in the
 * older `app` label style; Secrets; and objects that belong to no service.
 */
export function liveNamespaceObjects(
  namespace: string,
  images: { readonly web: string; readonly reports: string },
): KubernetesObject[] {
  const web = { "app.kubernetes.io/name": "web" };
  const meta = (name: string, labels?: Record<string, string>) => ({
    name,
    namespace,
    ...(labels ? { labels } : {}),
  });
  return [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("web-secrets"),
      type: "Opaque",
      data: { password: b64(`${secretMarker}-password`) },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("cloud-tls"),
      type: "kubernetes.io/tls",
      data: { "tls.crt": b64(`${secretMarker}-crt`), "tls.key": b64(`${secretMarker}-key`) },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("reports-db"),
      type: "Opaque",
      stringData: { url: `postgres://reports:${secretMarker}@db/reports` },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("unused-token"),
      type: "Opaque",
      data: { token: b64(secretMarker) },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("web-config", web),
      data: { "web.yaml": "listen: 8080\nlog: info\n", MODE: "fast" },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("web-env"),
      data: { FEATURE_X: "on" },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("token-settings", web),
      data: { audience: "cloud" },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("notes"),
      data: { owner: "nobody" },
    } as KubernetesObject,
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("web-reader", web) },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("web", { ...web, team: "portal", "app.kubernetes.io/version": "1.0.0" }),
      spec: {
        replicas: 2,
        selector: { matchLabels: web },
        template: {
          metadata: { labels: { ...web, team: "portal" }, annotations: { "prometheus.io/scrape": "true" } },
          spec: {
            serviceAccountName: "web-reader",
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: web },
              },
            ],
            containers: [
              {
                name: "web",
                image: images.web,
                ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                env: [
                  {
                    name: "DB_PASSWORD",
                    valueFrom: { secretKeyRef: { name: "web-secrets", key: "password" } },
                  },
                  { name: "LOG_LEVEL", value: "info" },
                  { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                ],
                envFrom: [{ configMapRef: { name: "web-env" } }],
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5 },
                startupProbe: { httpGet: { path: "/started", port: 8080 }, failureThreshold: 30 },
                volumeMounts: [
                  { name: "config", mountPath: "/etc/web" },
                  { name: "token", mountPath: "/etc/token" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: "web-config" } },
              { name: "token", configMap: { name: "token-settings" } },
            ],
          },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("web", web),
      spec: {
        selector: web,
        ports: [
          { name: "http", port: 80, targetPort: 8080, protocol: "TCP" },
          { name: "metrics", port: 9090, targetPort: 9090, protocol: "TCP" },
        ],
      },
    } as KubernetesObject,
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: meta("web", web),
      spec: {
        ingressClassName: "public",
        tls: [{ hosts: ["cloud.example.org", "www.example.org"], secretName: "cloud-tls" }],
        rules: [
          {
            host: "cloud.example.org",
            http: {
              paths: [
                {
                  path: "/api",
                  pathType: "Prefix",
                  backend: { service: { name: "web", port: { number: 80 } } },
                },
                {
                  path: "/metrics",
                  pathType: "Exact",
                  backend: { service: { name: "web", port: { number: 9090 } } },
                },
              ],
            },
          },
          {
            host: "www.example.org",
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: "web", port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    } as KubernetesObject,
    {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta("web"),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
          },
        ],
      },
    } as KubernetesObject,
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta("web"),
      spec: { maxUnavailable: 1, selector: { matchLabels: web } },
    } as KubernetesObject,
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta("web-cache", web),
      spec: {
        serviceName: "web-cache",
        replicas: 1,
        selector: { matchLabels: { app: "web-cache" } },
        template: {
          metadata: { labels: { app: "web-cache" } },
          spec: { containers: [{ name: "cache", image: "127.0.0.1:25000/cache/redis:7" }] },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: meta("reports-nightly", { app: "reports", "app.kubernetes.io/version": "2.1.0" }),
      spec: {
        schedule: "0 2 * * *",
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        jobTemplate: {
          metadata: { labels: { app: "reports" } },
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: { app: "reports" } },
              spec: {
                restartPolicy: "Never",
                containers: [
                  {
                    name: "reports",
                    image: images.reports,
                    args: ["nightly"],
                    env: [
                      {
                        name: "DATABASE_URL",
                        valueFrom: { secretKeyRef: { name: "reports-db", key: "url" } },
                      },
                    ],
                    volumeMounts: [{ name: "token", mountPath: "/etc/token" }],
                  },
                ],
                volumes: [{ name: "token", configMap: { name: "token-settings" } }],
              },
            },
          },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: meta("reports-rebuild-x7k2p", { app: "reports" }),
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { app: "reports" } },
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "reports", image: images.reports, args: ["rebuild"] }],
          },
        },
      },
    } as KubernetesObject,
  ];
}
