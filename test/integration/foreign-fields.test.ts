import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { DriftReport } from "../../src/drift/detect.ts";
import type { PlanJson } from "../../src/output/plan.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform, platformBinaries } from "../support/platform.ts";

// Issue 25, 1b: a field another field manager added (the real `kubectl set env`) is not removed
// by server-side apply. The plan must say so, a deploy must not record a revision that changes
// nothing, and `deploy --reclaim` must remove it in one recorded step.
const project = isolatedExample("foreign", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const plan = (...args: string[]) => slipway(project.config, "plan", "--env", "dev", "files", ...args);
const deploy = (...args: string[]) =>
  slipway(project.config, "deploy", "--env", "dev", "--yes", "--timeout", "60s", ...args);
const drift = (...args: string[]) => slipway(project.config, "drift", "--env", "dev", "files", ...args);
const files = () =>
  kube
    .apps()
    .readNamespacedDeployment({ namespace: project.namespace, name: "files" }) as Promise<V1Deployment>;
const envOf = (d: V1Deployment) =>
  Object.fromEntries((d.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
const revisions = async () =>
  (await new ReleaseStore(cluster, project.namespace).summaries("files")).map((s) => [s.revision, s.status]);
const setEnv = async (...vars: string[]) => {
  const { kubectl } = await platformBinaries();
  await promisify(execFile)(kubectl, [
    ...["--kubeconfig", platform.kubeconfig, "--context", "local", "-n", project.namespace],
    ...["set", "env", "deployment/files", ...vars],
  ]);
};

const field = (name: string) => `.spec.template.spec.containers[name="files"].env[name="${name}"]`;

afterAll(() => removeExample(project.namespace));

describe("fields another field manager added: the plan says they stay, deploy --reclaim removes them", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const deployed = await deploy();
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(await revisions()).toEqual([[1, "deployed"]]);
  });

  it("a new variable: the plan shows it staying with its manager, and a deploy changes and records nothing", async () => {
    await setEnv("LOG_LEVEL=debug");
    expect(envOf(await files()).LOG_LEVEL).toBe("debug");

    const r = await plan("--detailed-exitcode");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/files\s+1\.4\.0\s+no changes/);
    expect(r.stdout).toContain("= Deployment/files  (unchanged by the apply)");
    expect(r.stdout).toContain(
      `= stays: ${field("LOG_LEVEL")} = {"name":"LOG_LEVEL","value":"debug"}, added by field manager "kubectl-set"`,
    );
    expect(r.stdout).toContain("deploy --reclaim takes them over and removes them");
    expect(r.stdout).not.toContain("(update)");

    const body = JSON.parse((await plan("-o", "json")).stdout) as PlanJson;
    expect(body.changed).toBe(false);
    const deployment = body.services[0]?.objects.find((o) => o.kind === "Deployment");
    expect(deployment).toMatchObject({
      action: "unchanged",
      changes: [],
      stays: [{ field: field("LOG_LEVEL"), managers: ["kubectl-set"], how: "added" }],
    });

    const d = await deploy("files");
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain("Nothing to deploy.");
    // Forcing takes over conflicting fields only: this one conflicts with nothing, so still nothing.
    const forced = await deploy("files", "--force-conflicts");
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout + forced.stderr).toContain("Nothing to deploy.");
    expect(await revisions()).toEqual([[1, "deployed"]]);
    expect(envOf(await files()).LOG_LEVEL).toBe("debug");
  });

  it("drift names the manager and says the deploy that removes it", async () => {
    const r = await drift();
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("~ Deployment/files  (changed)");
    expect(r.stdout).toContain(
      `${field("LOG_LEVEL")} added by field manager "kubectl-set": a deploy leaves it, deploy --reclaim removes it`,
    );
    expect(r.stdout).toContain("To restore: slipway deploy --env dev --reclaim");
    const report = JSON.parse((await drift("-o", "json")).stdout) as DriftReport;
    expect(report.services[0]?.objects[0]?.foreign).toEqual([
      {
        field: field("LOG_LEVEL"),
        path: expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.env\[\d+\]$/) as unknown,
        value: { name: "LOG_LEVEL", value: "debug" },
        managers: ["kubectl-set"],
        how: "added",
      },
    ]);
  });

  it("a changed variable besides: the plan blocks on the conflict; drift says who changed it", async () => {
    await setEnv("AUTH_URL=http://elsewhere");
    const r = await plan();
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain(
      `✗ conflict with field manager "kubectl-set" (apps/v1), which owns: ${field("AUTH_URL")}.value`,
    );
    const d = await drift();
    expect(d.code).toBe(3);
    expect(d.stdout).toContain(
      `${field("AUTH_URL")}.value changed by field manager "kubectl-set": deploy --force-conflicts (or --reclaim) takes it back`,
    );
  });

  it("plan --reclaim shows the field taken over and removed, and the value taken back", async () => {
    const r = await plan("--reclaim", "--detailed-exitcode");
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toContain("~ Deployment/files  (update)");
    expect(r.stdout).toContain(
      `! reclaims from field manager "kubectl-set" (--reclaim), then removes: ${field("LOG_LEVEL")}`,
    );
    expect(r.stdout).toMatch(/env\[\d+\]: \{"name":"LOG_LEVEL","value":"debug"\} → \(none\)/);
    expect(r.stdout).toMatch(/env\[\d+\]\.value: "http:\/\/elsewhere" → "http:\/\/auth"/);
    expect(r.stdout).toMatch(
      /files: take over 1 field\(s\) that field manager\(s\) "kubectl-set" added, so that the apply removes them/,
    );
    expect(r.stdout).not.toContain("BLOCKED");
  });

  it("deploy --reclaim removes the added variable and restores the changed one, in one recorded revision", async () => {
    const r = await deploy("files", "--reclaim");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const env = envOf(await files());
    expect(env.LOG_LEVEL).toBeUndefined();
    expect(env.AUTH_URL).toBe("http://auth");
    expect(await revisions()).toEqual([
      [2, "deployed"],
      [1, "superseded"],
    ]);
    const record = await new ReleaseStore(cluster, project.namespace).get("files", 2);
    expect(record.steps.map((s) => [s.step, s.status])).toContainEqual(["reclaim", "done"]);
    expect(record.steps.find((s) => s.step === "reclaim")?.message).toBe(
      'took over 1 field(s) from "kubectl-set"',
    );
    const managers = (await files()).metadata?.managedFields?.map((m) => m.manager);
    expect(managers).not.toContain("kubectl-set");
  });

  it("afterwards: no drift, no changes, and another deploy records nothing", async () => {
    const d = await drift();
    expect(d.code, d.stdout).toBe(0);
    expect(d.stdout).toContain("No drift");
    const p = await plan("--detailed-exitcode");
    expect(p.code, p.stdout).toBe(0);
    expect(p.stdout).toContain("No changes: the environment matches the definitions.");
    const again = await deploy("files");
    expect(again.code, again.stderr).toBe(0);
    expect(await revisions()).toEqual([
      [2, "deployed"],
      [1, "superseded"],
    ]);
  });
});
