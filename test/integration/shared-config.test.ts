// A ConfigMap one service owns and shares, mounted by the others: the plan says who owns it,
// and prune keeps it while another service's pods still mount it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";

const project = isolatedExample("shared-config", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const shared = () => cluster.get("ConfigMap", "token-validation", project.namespace);
const mount = '{ configMap: "token-validation", mountPath: "/etc/token-validation" }';

afterAll(() => removeExample(project.namespace));

describe("a ConfigMap shared by the services", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
  });

  it("is rendered once, by its owner, and the plan of a service that mounts it names the owner", async () => {
    const plan = await slipway(project.config, "plan", "auth", "mail", "--env", "dev");
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /^mail .*\n(?:.*\n)*? {2}uses ConfigMap\/token-validation, which auth owns and shares$/m,
    );
    const r = await slipway(project.config, "deploy", "auth", "mail", "--env", "dev", "--yes");
    expect(r.code, r.stderr).toBe(0);
    expect((await shared())?.metadata?.labels?.["app.kubernetes.io/name"]).toBe("auth");
  });

  it("stays while another service's pods mount it, and goes once none does", async () => {
    // Both stop using it; only auth is deployed: mail's running pods still mount it.
    project.edit("services/auth/service.ts", /\n {4}"token-validation": \{[\s\S]*?\n {4}\},\n/, "\n");
    project.edit("services/auth/service.ts", `    configFiles: [${mount}],\n`, "");
    project.edit("services/mail/service.ts", `    configFiles: [${mount}],\n`, "");
    project.edit("services/accounting/service.ts", `      ${mount},\n`, "");
    project.edit("services/files/service.ts", `      ${mount},\n`, "");
    project.edit("services/app-orchestrator/service.ts", `    configFiles: [${mount}],\n`, "");
    project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
    const plan = await slipway(project.config, "plan", "auth", "--env", "dev");
    expect(plan.stdout).toContain(
      "= ConfigMap/token-validation  (no longer defined, kept: mail still mounts it)",
    );
    expect(plan.stdout).not.toMatch(/- ConfigMap\/token-validation/);
    const first = await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(first.code, first.stderr).toBe(0);
    expect(await shared()).toBeDefined();

    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    const mail = await slipway(project.config, "deploy", "mail", "--env", "dev", "--yes");
    expect(mail.code, mail.stderr).toBe(0);
    const again = await slipway(project.config, "plan", "auth", "--env", "dev");
    expect(again.stdout).toMatch(/- ConfigMap\/token-validation {2}\(prune\)/);
    const last = await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(last.code, last.stderr).toBe(0);
    expect(await shared()).toBeUndefined();
  });
});
