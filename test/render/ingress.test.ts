import { afterAll, describe, expect, it } from "vitest";
import type { V1Ingress, V1Service } from "@kubernetes/client-node";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import type { NetworkPolicyObject } from "../../src/render/networking.ts";
import { gatewayService as gateway } from "../support/feature-services.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

/** The objects one service definition renders into dev. */
async function rendered(
  body: string,
): Promise<{ ingress?: V1Ingress; svc?: V1Service; policy?: NetworkPolicyObject }> {
  const p = scratchProject({ "slipway.config.ts": minimalConfig, "services/gw/service.ts": service(body) });
  const objects = renderEnvironment(await loadProject(p.config), "dev");
  return {
    ingress: objects.find((o) => o.kind === "Ingress") as V1Ingress | undefined,
    svc: objects.find((o) => o.kind === "Service") as V1Service | undefined,
    policy: objects.find((o) => o.kind === "NetworkPolicy") as NetworkPolicyObject | undefined,
  };
}

async function problems(body: string): Promise<string[]> {
  const p = scratchProject({ "slipway.config.ts": minimalConfig, "services/gw/service.ts": service(body) });
  const error = await loadProject(p.config).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  return (error as DefinitionError).problems.map((pr) => `${pr.path}: ${pr.message}`);
}

describe("a service with many ingress rules", () => {
  it("renders every host and path with its pathType and Service port, TLS per certificate, and the annotations", async () => {
    const { ingress, svc } = await rendered(gateway);
    expect(svc?.spec?.ports).toEqual([
      { name: "http", port: 80, targetPort: 8080, protocol: "TCP" },
      { name: "admin", port: 9000, targetPort: 9001, protocol: "TCP" },
    ]);
    expect(ingress?.spec?.ingressClassName).toBe("public");
    expect(ingress?.metadata?.annotations).toEqual({
      "nginx.ingress.kubernetes.io/proxy-body-size": "50m",
      "slipway.dev/version": "1.0.0",
    });
    expect(ingress?.spec?.tls).toEqual([
      { hosts: ["cloud.example.org", "www.example.org"], secretName: "cloud-tls" },
      { hosts: ["*.apps.example.org"], secretName: "apps-tls" },
    ]);
    const routes = ingress?.spec?.rules?.flatMap((r) =>
      (r.http?.paths ?? []).map(
        (p) => `${r.host}${p.path} ${p.pathType} -> ${p.backend.service?.port?.number}`,
      ),
    );
    expect(routes).toEqual([
      "cloud.example.org/api Prefix -> 80",
      "cloud.example.org/api/login Exact -> 80",
      "cloud.example.org/admin Prefix -> 9000",
      "cloud.example.org/raw ImplementationSpecific -> 9000",
      "www.example.org/ Prefix -> 80",
      "*.apps.example.org/ Prefix -> 80",
    ]);
  });

  it("admits traffic to every port the Service targets", async () => {
    const { policy } = await rendered(gateway);
    expect(policy?.spec.ingress[0]?.ports).toEqual([
      { port: 8080, protocol: "TCP" },
      { port: 9001, protocol: "TCP" },
    ]);
  });

  it("keeps the one-host, one-path form as it was", async () => {
    const { ingress, svc } = await rendered(
      `{ name: "gw", version: "1", image: "gw", deployment: { port: 8080 }, service: { port: 80 }, ingress: { host: "a.example.org", path: "/x", tlsSecret: "a-tls" } }`,
    );
    expect(svc?.spec?.ports).toEqual([{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }]);
    expect(ingress?.spec).toEqual({
      ingressClassName: "traefik",
      tls: [{ hosts: ["a.example.org"], secretName: "a-tls" }],
      rules: [
        {
          host: "a.example.org",
          http: {
            paths: [
              { path: "/x", pathType: "Prefix", backend: { service: { name: "gw", port: { number: 80 } } } },
            ],
          },
        },
      ],
    });
  });

  it("refuses a path to a port the Service lacks, a route given twice, and both forms at once", async () => {
    expect(
      await problems(`{ name: "gw", version: "1", image: "gw", deployment: { port: 8080 },
        service: { ports: [{ name: "http", port: 80 }] },
        ingress: { host: "a.example.org", rules: [{ host: "a.example.org", paths: [{ path: "/", port: "admin" }, { path: "/" }] }] } }`),
    ).toEqual([
      "ingress: needs either host and path (one route) or rules (several), not both",
      'ingress.rules[0].paths[0].port: the service has no port "admin" (its ports: http 80)',
      "ingress.rules[0].paths[1]: a.example.org/ is also routed by ingress.rules[0].paths[0]",
    ]);
  });

  it("refuses a Service with both port forms, a port used twice, and Slipway's own annotations", async () => {
    expect(
      await problems(`{ name: "gw", version: "1", image: "gw", deployment: { port: 8080 },
        service: { port: 80, ports: [{ name: "http", port: 80 }, { name: "web", port: 80 }] },
        ingress: { host: "a.example.org", path: "/", annotations: { "slipway.dev/version": "9" } } }`),
    ).toEqual([
      "service: needs either port (one port) or ports (several named ones), not both or neither",
      "service.ports[1]: port 80 is also used by ports[0]",
      "ingress.annotations.slipway.dev/version: slipway.dev/ annotations are Slipway's own",
    ]);
  });
});
