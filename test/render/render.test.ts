import { beforeAll, describe, expect, it } from "vitest";
import type {
  KubernetesObject,
  V1CronJob,
  V1Deployment,
  V1Ingress,
  V1PersistentVolumeClaim,
} from "@kubernetes/client-node";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { toYaml } from "../../src/render/serialize.ts";
import { exampleConfig } from "../support/project.ts";

let project: ProjectModel;
beforeAll(async () => {
  project = await loadProject(exampleConfig);
});

const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name: string): T => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found)
    throw new Error(
      `no ${kind}/${name} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(", ")}`,
    );
  return found as T;
};

describe("rendering the example platform", () => {
  it("is deterministic: two loads give byte-identical YAML", async () => {
    const again = await loadProject(exampleConfig);
    for (const env of ["dev", "prod"]) {
      expect(toYaml(renderEnvironment(again, env))).toBe(toYaml(renderEnvironment(project, env)));
    }
  });

  it("labels and annotates every object with the service, version, platform and manager", () => {
    const objects = renderEnvironment(project, "prod");
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const name = o.metadata?.labels?.["app.kubernetes.io/name"];
      expect(name, `${o.kind}/${o.metadata?.name}`).toBeTruthy();
      const service = project.services.get("prod")?.find((s) => s.spec.name === name);
      expect(o.metadata?.labels).toMatchObject({
        "app.kubernetes.io/version": service?.spec.version,
        "app.kubernetes.io/part-of": "research-cloud",
        "app.kubernetes.io/managed-by": "slipway",
      });
      expect(o.metadata?.annotations?.["slipway.dev/version"]).toBe(service?.spec.version);
      expect(o.metadata?.namespace).toBe("research");
    }
  });

  it("applies per-environment values and flavour defaults", () => {
    const dev = renderEnvironment(project, "dev", ["files"]);
    const prod = renderEnvironment(project, "prod", ["files"]);
    expect(find<V1Deployment>(dev, "Deployment", "files").spec?.replicas).toBe(1);
    expect(find<V1Deployment>(prod, "Deployment", "files").spec?.replicas).toBe(3);
    expect(find<V1Ingress>(dev, "Ingress", "files").spec?.ingressClassName).toBe("traefik");
    expect(find<V1Ingress>(prod, "Ingress", "files").spec?.ingressClassName).toBe("nginx");
    expect(
      find<V1PersistentVolumeClaim>(prod, "PersistentVolumeClaim", "files-scratch").spec?.storageClassName,
    ).toBe("longhorn");
    // mail sets no replicas: the environment's default applies
    expect(
      find<V1Deployment>(renderEnvironment(project, "prod", ["mail"]), "Deployment", "mail").spec?.replicas,
    ).toBe(2);
  });

  it("references images by digest when the digest is known, by version tag otherwise", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const image = (objects: KubernetesObject[]) =>
      find<V1Deployment>(objects, "Deployment", "files").spec?.template.spec?.containers[0]?.image;
    expect(image(renderEnvironment(project, "dev", ["files"]))).toBe("127.0.0.1:25000/research/files:1.4.0");
    expect(
      image(renderEnvironment(project, "dev", ["files"], { digests: new Map([["files", digest]]) })),
    ).toBe(`127.0.0.1:25000/research/files@${digest}`);
  });

  it("forbids concurrent runs of a CronJob unless told otherwise, and keeps secrets as references", () => {
    const objects = renderEnvironment(project, "dev");
    const cron = find<V1CronJob>(objects, "CronJob", "files-expire-shares");
    expect(cron.spec?.concurrencyPolicy).toBe("Forbid");
    expect(cron.spec?.jobTemplate.spec?.template.spec?.containers[0]?.args).toEqual([
      "--run-script",
      "expire-shares",
    ]);
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    const env =
      find<V1Deployment>(objects, "Deployment", "files").spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({
      name: "files-db",
      key: "url",
    });
  });

  it("orders each service's objects so identities and config come before the workloads", () => {
    const kinds = renderEnvironment(project, "dev", ["app-orchestrator"]).map((o) => o.kind);
    // indexOf is -1 for a kind that is missing, which would pass "comes before": each must be there.
    expect(kinds).toEqual(expect.arrayContaining(["ServiceAccount", "RoleBinding", "Deployment"]));
    expect(kinds.indexOf("ServiceAccount")).toBeLessThan(kinds.indexOf("Deployment"));
    expect(kinds.indexOf("RoleBinding")).toBeLessThan(kinds.indexOf("Deployment"));
  });
});
