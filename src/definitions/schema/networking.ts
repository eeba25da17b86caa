import { z } from "zod";
import { labelName, port, subdomainName } from "./formats.ts";

/** How a service is reached: its Service's ports and its Ingress rules. */

export const servicePort = z.strictObject({
  name: labelName(15).meta({
    description: "the port's name, which ingress paths may use",
    example: 'name: "admin"',
  }),
  port: port.meta({ description: "the Service's port", example: "port: 9000" }),
  targetPort: port
    .optional()
    .meta({ description: "the container's", default: "the same as `port`", example: "targetPort: 9090" }),
});

/** A host as an Ingress rule takes it: a DNS name, or a wildcard as its first label. */
export const ingressHost = z
  .string()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: 'must be a host name such as "cloud.example.org" or "*.example.org"',
  });

export const ingressRule = z.strictObject({
  host: ingressHost.meta({
    description: "the host (a wildcard as first label allowed)",
    example: 'host: "*.apps.example.org"',
  }),
  paths: z
    .array(
      z.strictObject({
        path: z.string().startsWith("/").meta({ description: "the path", example: 'path: "/api/login"' }),
        pathType: z.enum(["Prefix", "Exact", "ImplementationSpecific"]).optional().meta({
          description: "`Prefix`, `Exact` or `ImplementationSpecific`",
          default: "`Prefix`",
          example: 'pathType: "Exact"',
        }),
        /** The Service port it goes to, by name or number; the first port by default. */
        port: z
          .union([port, labelName(15)])
          .optional()
          .meta({
            description: "the Service port, by name or number",
            default: "the first",
            example: 'port: "admin"',
          }),
      }),
    )
    .min(1)
    .meta({
      description: "its paths",
      example: 'paths: [{ path: "/api" }, { path: "/admin", port: "admin" }]',
    }),
  /** The TLS certificate's Secret for this host. */
  tlsSecret: subdomainName
    .optional()
    .meta({ description: "the TLS Secret of that host", example: 'tlsSecret: "apps-tls"' }),
});
