/**
 * Service definitions (as the text of a service.ts's defineService argument) that use the
 * definition language's fuller forms, for render tests and the server-side dry run alike.
 */

/** A gateway: two Service ports, many paths on three hosts, TLS per host, annotations. */
export const gatewayService = `{
  name: "gw", version: "1.0.0", image: "gw",
  deployment: { port: 8080 },
  service: { ports: [{ name: "http", port: 80, targetPort: 8080 }, { name: "admin", port: 9000, targetPort: 9001 }] },
  networkPolicy: { allowFrom: [] },
  ingress: {
    className: "public",
    annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "50m" },
    rules: [
      { host: "cloud.example.org", tlsSecret: "cloud-tls", paths: [
        { path: "/api" },
        { path: "/api/login", pathType: "Exact" },
        { path: "/admin", port: "admin" },
        { path: "/raw", pathType: "ImplementationSpecific", port: 9000 },
      ] },
      { host: "www.example.org", tlsSecret: "cloud-tls", paths: [{ path: "/" }] },
      { host: "*.apps.example.org", tlsSecret: "apps-tls", paths: [{ path: "/" }] },
    ],
  },
}`;

/** A worker using the pod features real services need: init containers, sidecars, scheduling, ... */
export const workerService = `{
  name: "worker", version: "2.0.0", image: "worker",
  deployment: {
    port: 8080,
    env: {
      POD_IP: { field: "status.podIP" },
      POD_NAME: { field: "metadata.name" },
      TEAM: { field: "metadata.labels['team']" },
      MEMORY_LIMIT: { resource: "limits.memory", divisor: "1Mi" },
    },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    podLabels: { team: "data" },
    disruptionBudget: { maxUnavailable: 1 },
    autoscale: { minReplicas: 2, maxReplicas: 6, cpu: 75 },
  },
  secrets: ["worker-token", "shared-ca"],
  pod: {
    annotations: { "prometheus.io/scrape": "true" },
    serviceAccountName: "shared-reader",
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" }],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/name": "worker" } } } },
        ],
      },
    },
    securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
    containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
    terminationGracePeriodSeconds: 45,
    initContainers: {
      "wait-for-db": { image: "busybox:1.36", command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"] },
    },
    sidecars: {
      "log-shipper": {
        image: "fluent/fluent-bit:3.0",
        env: { TOKEN: { secret: "worker-token", key: "token" } },
        mounts: [{ volume: "logs", mountPath: "/logs", readOnly: true }],
        ports: [{ name: "metrics", containerPort: 2020 }],
      },
    },
    volumes: {
      logs: { emptyDir: { sizeLimit: "1Gi" }, mountPath: "/var/log/worker" },
      certs: { projected: { secrets: ["worker-token", "shared-ca"] }, mountPath: "/etc/certs", readOnly: true },
    },
  },
  cronJobs: {
    compact: {
      schedule: "30 2 * * *",
      timeZone: "Europe/Oslo",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      backoffLimit: 3,
      ttlSecondsAfterFinished: 3600,
      args: ["compact"],
    },
  },
  jobs: { rebuild: { args: ["rebuild"], backoffLimit: 2, ttlSecondsAfterFinished: 600 } },
}`;

/** The escape hatch: patches on rendered objects (merge and JSON patch) and raw objects. */
export const escapeHatchService = `{
  name: "indexer", version: "1.0.0", image: "indexer",
  deployment: { port: 8080 },
  service: { port: 80 },
  patches: [
    { target: { kind: "Deployment" }, merge: { spec: { progressDeadlineSeconds: 120, template: { spec: { hostname: "indexer" } } } } },
    {
      target: { kind: "Deployment", name: "indexer" },
      json: [
        { op: "test", path: "/spec/template/spec/containers/0/name", value: "indexer" },
        { op: "add", path: "/spec/template/spec/containers/0/stdin", value: true },
        { op: "add", path: "/spec/template/spec/dnsConfig", value: { options: [{ name: "ndots", value: "2" }] } },
      ],
    },
    { target: { kind: "Service" }, json: [{ op: "replace", path: "/spec/ports/0/port", value: 8081 }] },
  ],
  objects: [
    {
      apiVersion: "apps/v1", kind: "StatefulSet",
      metadata: { name: "indexer-store", labels: { tier: "storage" } },
      spec: {
        serviceName: "indexer",
        replicas: 1,
        selector: { matchLabels: { app: "indexer-store" } },
        template: {
          metadata: { labels: { app: "indexer-store" } },
          spec: { containers: [{ name: "store", image: "127.0.0.1:25000/demo/indexer-store:1" }] },
        },
      },
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "indexer-extra" }, data: { "a.txt": "a" } },
  ],
}`;
