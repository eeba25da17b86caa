import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { DriftReport } from "../../src/drift/detect.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";

const project = isolatedExample("drift", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
// slipway() plays CI first: each defined version is built, pushed and reported as tested.
const deploy = ["deploy", "--env", "dev", "--yes", "--timeout", "60s"];
const drift = (...args: string[]) => slipway(project.config, "drift", "--env", "dev", ...args);

afterAll(() => removeExample(project.namespace));

describe("slipway drift against the real control plane", () => {
  // Databases, their Secrets and the registry pull secret, as for every isolated example.
  beforeAll(() => provisionExampleDatabases(project.config, "dev"));

  it("reports services never deployed as such, not as drift", async () => {
    const r = await drift();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/auth\s+never deployed/);
    expect(r.stdout).toContain("No drift");
  });

  it("is clean right after a deploy", async () => {
    const deployed = await slipway(project.config, ...deploy);
    expect(deployed.code, deployed.stderr).toBe(0);
    const r = await drift();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/files\s+r1 1\.4\.0\s+no drift/);
    expect(r.stdout).toContain("No drift: every deployed object is as Slipway applied it.");
  });

  it("shows each hand edit with its field path, and exits 3", async () => {
    const ns = project.namespace;
    // Scaled by hand, as kubectl scale does: through the scale subresource.
    await cluster.request({
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${ns}/deployments/files/scale`,
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 3 } },
    });
    // An environment variable changed in the running container.
    const mail = (await kube
      .apps()
      .readNamespacedDeployment({ namespace: ns, name: "mail" })) as V1Deployment;
    const index =
      mail.spec?.template.spec?.containers[0]?.env?.findIndex((e) => e.name === "SMTP_HOST") ?? -1;
    expect(index).toBeGreaterThanOrEqual(0);
    await cluster.request({
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${ns}/deployments/mail`,
      contentType: "application/json-patch+json",
      body: [
        {
          op: "replace",
          path: `/spec/template/spec/containers/0/env/${index}/value`,
          value: "smtp.by-hand.example",
        },
      ],
    });
    // Objects Slipway manages, deleted; one nothing renders, created with Slipway's labels.
    await cluster.delete("ConfigMap", "files-config", ns);
    await cluster.delete("Service", "mail", ns);
    await kube.core().createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: "legacy-settings",
          labels: {
            "app.kubernetes.io/managed-by": "slipway",
            "app.kubernetes.io/part-of": "research-cloud",
            "app.kubernetes.io/name": "legacy",
            "slipway.dev/environment": "dev",
          },
        },
        data: { old: "true" },
      },
    });

    const r = await drift();
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("~ Deployment/files  (changed)");
    expect(r.stdout).toContain("spec.replicas: live 3, applied 1");
    expect(r.stdout).toContain("- ConfigMap/files-config  (missing: applied, no longer in the cluster)");
    expect(r.stdout).toContain("~ Deployment/mail  (changed)");
    expect(r.stdout).toContain(
      `spec.template.spec.containers[0].env[${index}].value: live "smtp.by-hand.example", applied "mailhog.dev.svc"`,
    );
    expect(r.stdout).toContain("- Service/mail  (missing");
    expect(r.stdout).toContain("+ ConfigMap/legacy-settings  (labelled legacy)");
    expect(r.stdout).toMatch(/auth\s+r1 1\.0\.0\s+no drift/);

    const json = JSON.parse((await drift("-o", "json")).stdout) as DriftReport;
    expect(json.drifted).toBe(true);
    const files = json.services.find((s) => s.service === "files");
    expect(files?.objects).toContainEqual(
      expect.objectContaining({
        kind: "Deployment",
        name: "files",
        state: "changed",
        fields: [{ path: "spec.replicas", live: 3, applied: 1 }],
      }),
    );
    // Who changed it, as managedFields say: the scale subresource's writer, which a deploy conflicts with.
    expect(files?.objects.find((o) => o.kind === "Deployment")?.foreign).toEqual([
      {
        field: ".spec.replicas",
        path: "spec.replicas",
        value: 3,
        managers: [expect.any(String)],
        how: "changed",
      },
    ]);
    expect(files?.objects).toContainEqual({
      kind: "ConfigMap",
      name: "files-config",
      state: "missing",
      fields: [],
    });
    expect(json.orphans).toEqual([{ kind: "ConfigMap", name: "legacy-settings", service: "legacy" }]);

    // Named services only: auth was not touched, and the orphan belongs to none of them.
    const auth = await drift("auth");
    expect(auth.code, auth.stdout).toBe(0);
    expect(auth.stdout).not.toContain("legacy-settings");
  });

  it("tells a definition changed since its deploy apart from drift", async () => {
    project.edit("services/auth/service.ts", '"info" : "debug"', '"info" : "trace"');
    const r = await drift("auth");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("definitions changed since r1: not deployed yet (run slipway plan)");
    const json = JSON.parse((await drift("auth", "-o", "json")).stdout) as DriftReport;
    expect(json.services[0]).toMatchObject({ service: "auth", notDeployedYet: true, objects: [] });
  });

  it("is clean again after a deploy restores what was changed by hand", async () => {
    // Hand edits took the fields over from Slipway's field manager: taking them back is explicit.
    const r = await slipway(project.config, ...deploy, "--force-conflicts");
    expect(r.code, r.stderr).toBe(0);
    const after = await drift();
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain("No drift");
    expect(after.stdout).not.toContain("not deployed yet");
    await expect(
      kube.core().readNamespacedConfigMap({ namespace: project.namespace, name: "legacy-settings" }),
    ).rejects.toMatchObject({ code: 404 });
  });
});
