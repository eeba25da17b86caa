// A service that is only CronJobs and Jobs (a cleaner): no Deployment, so no rollout to wait
// for; plan, deploy, status, history, drift and rollback all still work for it.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import type { ServiceListDocument } from "../../src/output/documents.ts";
import { platform } from "../support/platform.ts";

const project = isolatedExample("jobs-only", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);

const cleaner = (version: string): string => `import { defineService } from "slipway";

export default defineService({
  name: "cleaner",
  version: "${version}",
  image: "cleaner",
  description: "Sweeps expired uploads; runs no server.",
  container: { env: { MODE: "sweep" }, resources: { requests: { cpu: "50m", memory: "64Mi" } } },
  cronJobs: { sweep: { schedule: "*/30 * * * *", args: ["sweep"], timeZone: "Etc/UTC" } },
  jobs: { reindex: { args: ["reindex"] } },
});
`;
const file = join(project.root, "services", "cleaner", "service.ts");
const cronVersion = async (): Promise<string | undefined> =>
  (await cluster.get("CronJob", "cleaner-sweep", project.namespace))?.metadata?.annotations?.[
    "slipway.dev/version"
  ];

afterAll(() => removeExample(project.namespace));

describe("a service with no Deployment", () => {
  beforeAll(async () => {
    mkdirSync(join(project.root, "services", "cleaner"), { recursive: true });
    writeFileSync(file, cleaner("1.0.0"));
    // Its CI runs a program's tests, like every service's: mail's stands in for its own.
    cpSync(join(project.root, "services", "mail", "app"), join(project.root, "services", "cleaner", "app"), {
      recursive: true,
    });
    await provisionExampleDatabases(project.config, "dev");
  });

  it("plans no rollout, deploys its CronJob, and status shows the version it runs", async () => {
    const plan = await slipway(project.config, "plan", "cleaner", "--env", "dev");
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/CronJob\/cleaner-sweep/);
    expect(plan.stdout).not.toMatch(/Deployment\/cleaner/);
    expect(plan.stdout).not.toMatch(/wait for the Deployment/);
    const r = await slipway(project.config, "deploy", "cleaner", "--env", "dev", "--yes");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cleaner\s+deployed\s+1/);
    expect(await cronVersion()).toBe("1.0.0");
    expect(await cluster.get("Deployment", "cleaner", project.namespace)).toBeUndefined();
    const status = await slipway(project.config, "status", "--env", "dev");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^cleaner\s+1\.0\.0\s+1\.0\.0\s+yes\s+-\s+r1 deployed/m);
    const drift = await slipway(project.config, "drift", "cleaner", "--env", "dev");
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
  });

  it("lists no replica count for it, rather than zero", async () => {
    const table = await slipway(project.config, "list", "--env", "dev");
    expect(table.stdout).toMatch(/^cleaner\s+1\.0\.0\s+-\s/m);
    const json = await slipway(project.config, "list", "--env", "dev", "-o", "json");
    const doc = JSON.parse(json.stdout) as ServiceListDocument;
    expect(doc.services.find((s) => s.name === "cleaner")?.replicas).toBeNull();
    expect(doc.services.find((s) => s.name === "mail")?.replicas).toBe(1);
  });

  it("deploys a new version, and rolls back to the first", async () => {
    writeFileSync(file, cleaner("1.1.0"));
    const r = await slipway(project.config, "deploy", "cleaner", "--env", "dev", "--yes");
    expect(r.code, r.stderr).toBe(0);
    expect(await cronVersion()).toBe("1.1.0");
    const back = await slipway(project.config, "rollback", "cleaner", "--env", "dev");
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(await cronVersion()).toBe("1.0.0");
    const history = await slipway(project.config, "history", "cleaner", "--env", "dev");
    expect(history.stdout).toMatch(/^3\s+1\.0\.0\s+deployed/m);
    expect(history.stdout).toMatch(/^2\s+1\.1\.0\s+superseded/m);
  });
});
