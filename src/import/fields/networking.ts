import type { V1Ingress, V1Service } from "@kubernetes/client-node";
import { keyOf, type Drafting } from "../draft.ts";
import { nonEmpty, ownAnnotations } from "../own-metadata.ts";

/** How the service is reached: its Service and its Ingress, when a definition field can give them. */

/** The ClusterIP Service named after the service, beside a Deployment, when its target ports are numbers. */
export function draftServicePorts(d: Drafting, hasDeployment: boolean): void {
  const { name, of, spec, live, mapped } = d;
  const kubeService = of<V1Service>("Service").find((s) => s.metadata?.name === name);
  const servicePorts = kubeService?.spec?.ports ?? [];
  const numericTargets = servicePorts.every(
    (p) => p.targetPort === undefined || typeof p.targetPort === "number",
  );
  if (
    hasDeployment &&
    kubeService &&
    servicePorts.length &&
    numericTargets &&
    (kubeService.spec?.type ?? "ClusterIP") === "ClusterIP"
  ) {
    const port0 = spec.deployment?.port;
    spec.service =
      servicePorts.length === 1 && servicePorts[0]
        ? {
            port: servicePorts[0].port,
            ...(typeof servicePorts[0].targetPort === "number" && servicePorts[0].targetPort !== port0
              ? { targetPort: servicePorts[0].targetPort }
              : {}),
          }
        : {
            ports: servicePorts.map((p, i) => ({
              name: p.name ?? `port-${i}`,
              port: p.port,
              ...(typeof p.targetPort === "number" ? { targetPort: p.targetPort } : {}),
            })),
          };
    live.set(keyOf(kubeService), kubeService);
    mapped.push({ kind: "Service", name, field: "service" });
  }
}

/** The Ingress named after the service, when every path goes to one of its Service's ports. */
export function draftIngress(d: Drafting): void {
  const { name, of, spec, live, mapped } = d;
  const servicePorts = of<V1Service>("Service").find((s) => s.metadata?.name === name)?.spec?.ports ?? [];
  const ingress = of<V1Ingress>("Ingress").find((i) => i.metadata?.name === name);
  const ingressRules = ingress?.spec?.rules ?? [];
  const byPort = new Set(servicePorts.map((p) => p.port));
  const mappable =
    spec.service !== undefined &&
    ingressRules.length > 0 &&
    !ingress?.spec?.defaultBackend &&
    ingressRules.every(
      (r) =>
        r.host &&
        r.http?.paths.every(
          (p) =>
            p.path?.startsWith("/") &&
            p.backend.service?.name === name &&
            p.backend.service.port?.number !== undefined &&
            byPort.has(p.backend.service.port.number),
        ),
    );
  if (ingress && mappable) {
    const tlsOf = (host: string) => ingress.spec?.tls?.find((t) => t.hosts?.includes(host))?.secretName;
    const annotations = nonEmpty(ownAnnotations(ingress.metadata?.annotations));
    spec.ingress = {
      ...(ingress.spec?.ingressClassName ? { className: ingress.spec.ingressClassName } : {}),
      ...(annotations ? { annotations } : {}),
      rules: ingressRules.map((r) => {
        const tls = tlsOf(r.host ?? "");
        return {
          host: r.host ?? "",
          ...(tls ? { tlsSecret: tls } : {}),
          paths: (r.http?.paths ?? []).map((p) => ({
            path: p.path ?? "/",
            pathType: p.pathType as "Prefix" | "Exact" | "ImplementationSpecific",
            port: p.backend.service?.port?.number ?? 80,
          })),
        };
      }),
    };
    live.set(keyOf(ingress), ingress);
    mapped.push({ kind: "Ingress", name, field: "ingress" });
  }
}
