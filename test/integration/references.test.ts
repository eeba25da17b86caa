// The plan's references check on the real API server: every Secret and ConfigMap the pods use
// and Slipway does not render must be in the namespace, with the keys the pods read. The local
// platform's nodes are simulated (KWOK): without this check, a missing Secret goes unnoticed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isolatedExample,
  deploySharedConfigOwner,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube } from "../support/platform.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

const project = isolatedExample("refs", { node: "simulated" });
const ns = project.namespace;
const dev = ["--env", "dev"];

interface PlanJson {
  blocked?: boolean;
  services: {
    service: string;
    gate?: { checks: { check: string; outcome: string; problems: string[] }[] };
  }[];
}

const referencesCheck = (stdout: string) =>
  (JSON.parse(stdout) as PlanJson).services
    .find((s) => s.service === "mail")
    ?.gate?.checks.find((c) => c.check === "references");

const putSecret = async (name: string, data: Record<string, string>): Promise<void> => {
  await kube
    .core()
    .deleteNamespacedSecret({ name, namespace: ns })
    .catch(() => undefined);
  await kube.core().createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: data } });
};

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config);
  await kube.core().deleteNamespacedSecret({ name: "mail-smtp", namespace: ns });
}, 120_000);
afterAll(() => removeExample(ns));

describe("references checked before the rollout", () => {
  it("a missing Secret blocks the plan, naming service, Secret and key; a deploy is refused and changes nothing", async () => {
    const plan = await slipway(project.config, "plan", "mail", ...dev);
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stdout).toContain("✗ references:");
    expect(plan.stdout).toContain(
      `service mail: Secret/mail-smtp (key password) is not in namespace ${ns}, used by Deployment/mail container mail env SMTP_PASSWORD`,
    );
    expect(plan.stdout).toMatch(/BLOCKED: a check of the procedure failed/);
    const json = await slipway(project.config, "plan", "mail", ...dev, "-o", "json");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as PlanJson).blocked).toBe(true);
    expect(referencesCheck(json.stdout)?.outcome).toBe("failed");

    const deploy = await slipway(project.config, "deploy", "mail", ...dev, "--yes");
    expect(deploy.code).toBe(ExitCode.refused);
    const deployments = await kube.apps().listNamespacedDeployment({ namespace: ns });
    expect(deployments.items.map((d) => d.metadata?.name)).toEqual(["auth"]);
    const secrets = await kube.core().listNamespacedSecret({ namespace: ns });
    const releases = secrets.items.filter((s) => s.type === "slipway.dev/release");
    expect(releases.filter((s) => s.metadata?.labels?.["slipway.dev/service"] === "mail")).toEqual([]);
  });

  it("a Secret without the key blocks; with it, the plan passes", async () => {
    await putSecret("mail-smtp", { user: "x" });
    const plan = await slipway(project.config, "plan", "mail", ...dev);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("service mail: Secret/mail-smtp has no key password (its keys: user)");
    expect(plan.stdout).not.toContain("x\n");

    await putSecret("mail-smtp", { password: "p" });
    const ok = await slipway(project.config, "plan", "mail", ...dev, "-o", "json");
    expect(ok.code, ok.stdout).toBe(0);
    expect(referencesCheck(ok.stdout)?.outcome).toBe("passed");
  });

  it("a missing ConfigMap blocks until it is created; an optional Secret never blocks", async () => {
    project.edit(
      "services/mail/service.ts",
      'secrets: ["mail-smtp"],',
      `secrets: ["mail-smtp", "mail-extra"],
  pod: { volumes: { shared: { projected: { configMaps: ["shared-settings"] }, mountPath: "/etc/shared" } } },`,
    );
    project.edit(
      "services/mail/service.ts",
      'SMTP_PASSWORD: { secret: "mail-smtp", key: "password" },',
      'SMTP_PASSWORD: { secret: "mail-smtp", key: "password" },\n      EXTRA: { secret: "mail-extra", key: "k", optional: true },',
    );
    const plan = await slipway(project.config, "plan", "mail", ...dev);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      `service mail: ConfigMap/shared-settings is not in namespace ${ns}, used by Deployment/mail volume pod-shared`,
    );
    expect(plan.stdout).not.toContain("Secret/mail-extra");

    await kube.core().createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "shared-settings" }, data: { "a.yaml": "a: 1" } },
    });
    const ok = await slipway(project.config, "plan", "mail", ...dev);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(
      /✓ references: 2 Secret\(s\) and 2 ConfigMap\(s\) the pods use \(1 optional, not required\) are in/,
    );
  });
});
