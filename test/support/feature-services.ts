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
