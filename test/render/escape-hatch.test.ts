import { afterAll, describe, expect, it } from "vitest";
import type { KubernetesObject, V1Deployment, V1Job, V1Service } from "@kubernetes/client-node";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { rawObjectKinds } from "../../src/definitions/schema/escape-hatch.ts";
import { resources } from "../../src/clients/kubernetes/resources.ts";
import { managedKinds } from "../../src/plan/live-state.ts";
import { applyJsonPatch, applyMergePatch, JsonPatchError } from "../../src/render/json-patch.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { renderAdHocJob } from "../../src/render/workloads.ts";
import { escapeHatchService } from "../support/feature-services.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

async function load(body: string) {
  const p = scratchProject({
    "slipway.config.ts": minimalConfig,
    "services/indexer/service.ts": service(body),
  });
  return loadProject(p.config);
}

async function problems(body: string): Promise<string[]> {
  const error = await load(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  return (error as DefinitionError).problems.map((p) => `${p.path}: ${p.message}`);
}

const named = <T extends KubernetesObject>(objects: KubernetesObject[], id: string): T => {
  const found = objects.find((o) => `${o.kind}/${o.metadata?.name}` === id);
  if (!found) throw new Error(`no ${id}`);
  return found as T;
};

const basic = `name: "indexer", version: "1.0.0", image: "indexer", deployment: { port: 8080 }, service: { port: 80 }`;

describe("the escape hatch: patches and raw objects", () => {
  it("applies merge and JSON patches after render, in order", async () => {
    const objects = renderEnvironment(await load(escapeHatchService), "dev");
    const deployment = named<V1Deployment>(objects, "Deployment/indexer");
    expect(deployment.spec?.progressDeadlineSeconds).toBe(120);
    expect(deployment.spec?.template.spec?.hostname).toBe("indexer");
    expect(deployment.spec?.template.spec?.containers[0]?.stdin).toBe(true);
    expect(deployment.spec?.template.spec?.dnsConfig).toEqual({ options: [{ name: "ndots", value: "2" }] });
    // What the merge patch did not name is kept.
    expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    expect(named<V1Service>(objects, "Service/indexer").spec?.ports?.[0]?.port).toBe(8081);
  });

  it("renders raw objects in the namespace with Slipway's labels, in apply order", async () => {
    const objects = renderEnvironment(await load(escapeHatchService), "dev");
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(
      [
        "ConfigMap/indexer-extra",
        "Service/indexer",
        "Deployment/indexer",
        "StatefulSet/indexer-store",
        "NetworkPolicy/indexer",
      ].filter((id) => objects.some((o) => `${o.kind}/${o.metadata?.name}` === id)),
    );
    const store = named(objects, "StatefulSet/indexer-store");
    expect(store.metadata?.namespace).toBe("demo-dev");
    expect(store.metadata?.labels).toMatchObject({
      tier: "storage",
      "app.kubernetes.io/name": "indexer",
      "app.kubernetes.io/managed-by": "slipway",
      "slipway.dev/environment": "dev",
    });
    expect(store.metadata?.annotations).toEqual({ "slipway.dev/version": "1.0.0" });
  });

  it("refuses a patch whose target matches nothing, one that cannot apply, and one that renames", async () => {
    expect(
      await problems(`{ ${basic}, patches: [{ target: { kind: "CronJob" }, merge: { spec: {} } }] }`),
    ).toEqual([
      expect.stringMatching(
        /^patches\[0\]\.target: matches no rendered object \(CronJob; rendered: Service\/indexer, Deployment\/indexer/,
      ),
    ]);
    expect(
      await problems(
        `{ ${basic}, patches: [{ target: { kind: "Deployment" }, json: [{ op: "remove", path: "/spec/nothing" }] }] }`,
      ),
    ).toEqual(["patches[0].json: Deployment/indexer: operation 0 (remove): /spec/nothing: no such path"]);
    expect(
      await problems(
        `{ ${basic}, patches: [{ target: { kind: "Service" }, merge: { metadata: { name: "other" } } }] }`,
      ),
    ).toEqual([
      expect.stringContaining(
        "patches[0]: Service/indexer: a patch may not change apiVersion, kind, metadata.name",
      ),
    ]);
    expect(await problems(`{ ${basic}, patches: [{ target: { kind: "Service" } }] }`)).toEqual([
      expect.stringContaining("needs exactly one of merge or json"),
    ]);
  });

  it("applies Job patches to every Job the service starts, rendered when it runs", async () => {
    const project = await load(
      `{ ${basic}, jobs: { reindex: { args: ["reindex"] } }, patches: [{ target: { kind: "Job" }, merge: { spec: { activeDeadlineSeconds: 600 } } }] }`,
    );
    const env = project.environments[0]!;
    const model = project.services.get("dev")![0]!;
    const job = renderAdHocJob({ project: project.name, env, service: model }, "reindex", "r1") as V1Job;
    expect(job.spec?.activeDeadlineSeconds).toBe(600);
    expect(renderEnvironment(project, "dev").some((o) => o.kind === "Job")).toBe(false);
    expect(
      await problems(
        `{ ${basic}, patches: [{ target: { kind: "Job" }, merge: { spec: { activeDeadlineSeconds: 1 } } }] }`,
      ),
    ).toEqual([
      "patches[0].target: matches no Job: the service starts none (no migration Job, verify or jobs)",
    ]);
    expect(
      await problems(
        `{ ${basic}, jobs: { reindex: {} }, patches: [{ target: { kind: "Job", name: "reindex" }, merge: { spec: {} } }] }`,
      ),
    ).toEqual([expect.stringContaining("patches[0].target.name: a Job target takes no name")]);
  });

  it("refuses raw objects of kinds Slipway cannot list, naming the allowed ones; never a Secret", async () => {
    const secret = await problems(
      `{ ${basic}, objects: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: {} }] }`,
    );
    expect(secret).toEqual([
      expect.stringMatching(
        /^objects\[0\]\.kind: kind Secret cannot be a raw object: Slipway lists, prunes and checks drift of ServiceAccount, .*StatefulSet, DaemonSet.* only \(never a Secret/,
      ),
    ]);
    expect(
      await problems(
        `{ ${basic}, objects: [{ apiVersion: "apps/v1beta1", kind: "StatefulSet", metadata: { name: "s" } }] }`,
      ),
    ).toEqual([
      'objects[0].apiVersion: a StatefulSet is read and applied as apps/v1, found string "apps/v1beta1"',
    ]);
  });

  it("refuses a raw object Slipway renders already, and one another service renders", async () => {
    expect(
      await problems(
        `{ ${basic}, objects: [{ apiVersion: "v1", kind: "Service", metadata: { name: "indexer" }, spec: {} }] }`,
      ),
    ).toEqual([
      "objects[0]: Slipway renders an object of this kind and name already: change it with a patch instead",
    ]);
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/indexer/service.ts": service(`{ ${basic}, configMaps: { shared: { data: { a: "1" } } } }`),
      "services/other/service.ts": service(
        `{ name: "other", version: "1.0.0", image: "other", deployment: {}, objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shared" } }] }`,
      ),
    });
    const error = await loadProject(p.config).catch((e: unknown) => e);
    expect((error as DefinitionError).problems.map((x) => `${x.path}: ${x.message}`)).toEqual([
      expect.stringMatching(/^objects\[0\]: ConfigMap "shared" is also rendered by .*indexer/),
    ]);
  });

  it("allows exactly the kinds Slipway lists, at the API versions its client uses", () => {
    for (const [kind, apiVersion] of Object.entries(rawObjectKinds)) {
      expect(resources[kind]?.apiVersion, kind).toBe(apiVersion);
      expect(managedKinds as readonly string[]).toContain(kind);
    }
    expect(Object.keys(rawObjectKinds)).not.toContain("Secret");
  });
});

describe("JSON patch (RFC 6902) and merge patch (RFC 7386)", () => {
  it("add, remove, replace, move, copy and test; never changing the input", () => {
    const doc = { a: [1, 2], b: { c: "x" } };
    expect(
      applyJsonPatch(doc, [
        { op: "add", path: "/a/-", value: 3 },
        { op: "add", path: "/a/0", value: 0 },
        { op: "replace", path: "/b/c", value: "y" },
        { op: "copy", from: "/b", path: "/d" },
        { op: "move", from: "/d/c", path: "/e~1f" },
        { op: "remove", path: "/a/1" },
        { op: "test", path: "/e~1f", value: "y" },
      ]),
    ).toEqual({ a: [0, 2, 3], b: { c: "y" }, d: {}, "e/f": "y" });
    expect(doc).toEqual({ a: [1, 2], b: { c: "x" } });
    expect(() => applyJsonPatch(doc, [{ op: "test", path: "/b/c", value: "z" }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [{ op: "replace", path: "/nope", value: 1 }])).toThrow(/no such path/);
    expect(() => applyJsonPatch(doc, [{ op: "add", path: "/a/5", value: 1 }])).toThrow(/past the end/);
  });

  it("merges objects, removes with null, replaces lists whole", () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] })).toEqual({
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});
