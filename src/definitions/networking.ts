import type { ResolvedService } from "./schema/service.ts";

/** One port of a service's Service, with the short form's single port named "http". */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
}

export type PathType = "Prefix" | "Exact" | "ImplementationSpecific";

/** One host of an Ingress with its paths, each resolved to a port of the Service. */
export interface IngressRule {
  readonly host: string;
  readonly tlsSecret?: string;
  readonly paths: readonly {
    readonly path: string;
    readonly pathType: PathType;
    readonly port: ServicePort;
  }[];
}

/**
 * The Service's ports, from either form. `service: { port }` is one port named "http" (the
 * name Slipway has always given it, so live Services do not change), targeting the
 * container's port unless `targetPort` says otherwise.
 */
export function servicePorts(spec: ResolvedService): ServicePort[] {
  const service = spec.service;
  if (!service) return [];
  if (service.ports)
    return service.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port }));
  if (service.port === undefined) return [];
  return [
    {
      name: "http",
      port: service.port,
      targetPort: service.targetPort ?? spec.deployment?.port ?? service.port,
    },
  ];
}

/** A path's port as written: a Service port's number or name. Undefined when it names none. */
export function findServicePort(
  ports: readonly ServicePort[],
  ref: number | string | undefined,
): ServicePort | undefined {
  if (ref === undefined) return ports[0];
  return ports.find((p) => (typeof ref === "number" ? p.port === ref : p.name === ref));
}

/**
 * The Ingress rules, from either form: `{ host, path }` is one rule with one Prefix path.
 * Paths whose port names nothing are left out here; the cross-check reports them.
 */
export function ingressRules(spec: ResolvedService): IngressRule[] {
  const ingress = spec.ingress;
  if (!ingress) return [];
  const ports = servicePorts(spec);
  const written =
    ingress.rules ??
    (ingress.host !== undefined && ingress.path !== undefined
      ? [{ host: ingress.host, paths: [{ path: ingress.path }], tlsSecret: ingress.tlsSecret }]
      : []);
  return written.map((rule) => ({
    host: rule.host,
    ...(rule.tlsSecret !== undefined ? { tlsSecret: rule.tlsSecret } : {}),
    paths: rule.paths.flatMap((p) => {
      const port = findServicePort(ports, "port" in p ? p.port : undefined);
      return port ? [{ path: p.path, pathType: ("pathType" in p && p.pathType) || "Prefix", port }] : [];
    }),
  }));
}
