// The import's pure parts, without a cluster: grouping, Secrets reduced to their names, and a
// written project that Slipway's own loader takes and that renders what runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import { groupObjects } from "../../src/import/group.ts";
import { importProject } from "../../src/import/project.ts";
import { secretReference } from "../../src/import/read.ts";
import { tsLiteral, writeProject } from "../../src/import/write.ts";
import { adoptionChanges } from "../../src/plan/adopt.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { liveNamespaceObjects, secretMarker } from "../support/live-namespace.ts";

const digest = `sha256:${"a".repeat(64)}`;
const objects = liveNamespaceObjects("team", {
  web: `registry.example.org/team/web@${digest}`,
  reports: `registry.example.org/team/reports:2.1.0`,
});
const live = {
  namespace: "team",
  objects: objects.filter((o) => o.kind !== "Secret"),
  secrets: objects.filter((o) => o.kind === "Secret").map(secretReference),
};
const dir = mkdtempSync(join(tmpdir(), "slipway-import-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("import", () => {
  it("groups by app.kubernetes.io/name, then app, then what selects, targets or uses an object", () => {
    const { services, skipped } = groupObjects(live.objects);
    expect([...services.keys()]).toEqual(["reports", "web"]);
    const web = (services.get("web") ?? []).map((o) => `${o.kind}/${o.metadata?.name}`);
    // No labels: the HPA by its target, the PDB by its selector, web-env because web's pods use it.
    expect(web).toEqual(
      expect.arrayContaining(["HorizontalPodAutoscaler/web", "PodDisruptionBudget/web", "ConfigMap/web-env"]),
    );
    expect(skipped).toEqual([expect.objectContaining({ kind: "ConfigMap", name: "notes" })]);
    const run: KubernetesObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "reports-nightly-1",
        ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "reports-nightly", uid: "u" }],
      },
    };
    expect(groupObjects([run]).skipped[0]?.reason).toMatch(/a run of CronJob\/reports-nightly/);
  });

  it("keeps only a Secret's name, type and key names", () => {
    const s = live.secrets.find((x) => x.name === "reports-db");
    expect(s).toEqual({ name: "reports-db", type: "Opaque", keys: ["url"], labels: {}, ownerKinds: [] });
    expect(JSON.stringify(live.secrets)).not.toContain(secretMarker);
  });

  it("writes a project the loader takes, whose render equals what runs beyond Slipway's labels", async () => {
    const { files, report } = importProject(live, {
      context: "prod",
      namespace: "team",
      environment: "prod",
      out: dir,
    });
    writeProject(dir, files, false);
    expect(() => writeProject(dir, files, false)).toThrow(/already has slipway\.config\.ts/);
    expect(report.project).toBe("team");
    expect(report.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/CronJob\/reports-nightly: runs .*reports:2\.1\.0 by tag/),
      ]),
    );
    const project = await loadProject(join(dir, "slipway.config.ts"));
    const digests = new Map([["web", digest]]);
    const rendered = renderEnvironment(project, "prod", [], { digests });
    const byKey = new Map(live.objects.map((o) => [`${o.kind}/${o.metadata?.name}`, o]));
    expect(rendered.length).toBe(11);
    for (const object of rendered) {
      const running = byKey.get(`${object.kind}/${object.metadata?.name}`);
      expect(running, `${object.kind}/${object.metadata?.name}`).toBeDefined();
      if (running)
        expect(adoptionChanges(object, running), `${object.kind}/${object.metadata?.name}`).toEqual([]);
    }
    for (const content of files.values()) expect(content).not.toContain(secretMarker);
  });

  it("says which objects another tool manages, which a deploy relabels", () => {
    const helm = live.objects.map((o) =>
      o.kind === "Deployment"
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              labels: { ...o.metadata?.labels, "app.kubernetes.io/managed-by": "Helm" },
            },
          }
        : o,
    );
    const { report } = importProject(
      { ...live, objects: helm },
      { context: "prod", namespace: "team", environment: "prod", out: dir },
    );
    expect(report.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/1 object\(s\) say app\.kubernetes\.io\/managed-by=Helm \(Deployment\/web\)/),
      ]),
    );
  });

  it("writes values as TypeScript literals", () => {
    expect(tsLiteral({ a: 1, "b-c": ["x"], d: { e: null } })).toBe('{ a: 1, "b-c": ["x"], d: { e: null } }');
  });
});
