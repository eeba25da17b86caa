import { afterAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import { checkReferences } from "../../src/checks/references/check.ts";
import { podReferences } from "../../src/checks/references/pod-references.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { renderJobTemplates, renderServiceObjects } from "../../src/render/render.ts";
import { workerService } from "../support/feature-services.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

async function worker(): Promise<KubernetesObject[]> {
  const p = scratchProject({
    "slipway.config.ts": minimalConfig,
    "services/worker/service.ts": service(workerService),
  });
  const project = await loadProject(p.config);
  const env = project.environments[0]!;
  const model = project.services.get("dev")![0]!;
  return [...renderServiceObjects(project.name, env, model), ...renderJobTemplates(project.name, env, model)];
}

const keys = (entries: Record<string, string[]>): Map<string, readonly string[]> =>
  new Map(Object.entries(entries));

describe("pod references", () => {
  it("come from every pod template: containers, native sidecars, projected volumes, CronJobs and Jobs", async () => {
    const refs = podReferences(await worker());
    const where = refs.map((r) => `${r.kind}/${r.name}${r.key ? `:${r.key}` : ""} ${r.where}`);
    expect(where).toContain(
      "Secret/worker-token:token Deployment/worker init container log-shipper env TOKEN",
    );
    expect(where).toContain("Secret/worker-token CronJob/worker-compact volume pod-certs");
    expect(where).toContain("Secret/shared-ca Job/worker-rebuild-template volume pod-certs");
  });

  it("read optional, items and envFrom from the rendered objects", () => {
    const deployment = {
      kind: "Deployment",
      metadata: { name: "d" },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "c",
                env: [{ name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k", optional: true } } }],
                envFrom: [{ configMapRef: { name: "cm" } }],
              },
            ],
            volumes: [{ name: "v", secret: { secretName: "s2", items: [{ key: "tls.crt", path: "crt" }] } }],
          },
        },
      },
    } as KubernetesObject;
    expect(podReferences([deployment])).toEqual([
      { kind: "Secret", name: "s", key: "k", optional: true, where: "Deployment/d container c env A" },
      { kind: "ConfigMap", name: "cm", optional: false, where: "Deployment/d container c envFrom" },
      { kind: "Secret", name: "s2", key: "tls.crt", optional: false, where: "Deployment/d volume v" },
    ]);
  });
});

describe("the references check", () => {
  it("names the service, the object and the key; passes once they are there", async () => {
    const objects = await worker();
    const base = {
      service: "worker",
      namespace: "ns",
      objects,
      listedSecrets: ["worker-token", "shared-ca"],
      rendered: objects,
    };
    const missing = checkReferences({
      ...base,
      live: { Secret: keys({ "shared-ca": [] }), ConfigMap: keys({}) },
    });
    expect(missing.outcome).toBe("failed");
    expect(missing.problems).toHaveLength(1);
    expect(missing.problems[0]).toMatch(
      /^service worker: Secret\/worker-token \(key token\) is not in namespace ns, used by .*log-shipper env TOKEN/,
    );
    expect(missing.problems[0]).toContain(
      "kubectl -n ns create secret generic worker-token --from-literal=token=...",
    );
    const noKey = checkReferences({
      ...base,
      live: { Secret: keys({ "shared-ca": [], "worker-token": ["other"] }), ConfigMap: keys({}) },
    });
    expect(noKey.problems).toEqual([
      expect.stringMatching(
        /^service worker: Secret\/worker-token has no key token \(its keys: other\), used by /,
      ),
    ]);
    const ok = checkReferences({
      ...base,
      live: { Secret: keys({ "shared-ca": [], "worker-token": ["token"] }), ConfigMap: keys({}) },
    });
    expect(ok.outcome).toBe("passed");
    expect(ok.summary).toBe("2 Secret(s) and 0 ConfigMap(s) the pods use are in ns, with their keys");
  });

  it("counts the ConfigMaps the deploy renders as rendered, and leaves the pull secret to its own check", () => {
    const pod = (spec: object): KubernetesObject =>
      ({ kind: "Deployment", metadata: { name: "d" }, spec: { template: { spec } } }) as KubernetesObject;
    const objects = [
      pod({
        imagePullSecrets: [{ name: "pull" }],
        containers: [
          { name: "c", env: [{ name: "Q", valueFrom: { configMapKeyRef: { name: "own", key: "q" } } }] },
        ],
      }),
    ];
    const rendered = [{ kind: "ConfigMap", metadata: { name: "own" }, data: { q: "1" } } as KubernetesObject];
    const live = { Secret: keys({}), ConfigMap: keys({}) };
    const check = checkReferences({
      service: "s",
      namespace: "ns",
      objects,
      listedSecrets: [],
      live,
      rendered,
      coveredElsewhere: "pull",
    });
    expect(check.outcome).toBe("passed");
    const wrongKey = checkReferences({
      service: "s",
      namespace: "ns",
      objects,
      listedSecrets: [],
      live,
      rendered: [{ kind: "ConfigMap", metadata: { name: "own" }, data: { p: "1" } } as KubernetesObject],
      coveredElsewhere: "pull",
    });
    expect(wrongKey.problems).toEqual([expect.stringContaining("ConfigMap/own has no key q (its keys: p)")]);
  });

  it("sends a service whose shared ConfigMap is missing to the owner's deploy, not to kubectl", () => {
    const objects = [
      {
        kind: "Deployment",
        metadata: { name: "mail" },
        spec: {
          template: {
            spec: {
              containers: [{ name: "mail" }],
              volumes: [{ name: "config-0", configMap: { name: "token-validation" } }],
            },
          },
        },
      } as KubernetesObject,
    ];
    const check = checkReferences({
      service: "mail",
      namespace: "ns",
      objects,
      listedSecrets: [],
      live: { Secret: keys({}), ConfigMap: keys({}) },
      rendered: objects,
      sharedOwners: [{ name: "token-validation", owner: "auth" }],
    });
    expect(check.problems).toEqual([
      "service mail: ConfigMap/token-validation is not in namespace ns: auth renders and shares it, and is not deployed there; used by Deployment/mail volume config-0: its pods would never start; fix: deploy auth first, or with it (slipway deploy auth mail)",
    ]);
  });
});
