// An apply the server refuses at its first object changed nothing: the deploy says so, and
// does not claim a rollback. Made real the way it happens: someone edits an object by hand
// after the plan was made, while the deploy waits for the lock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { kubeRequest } from "../../src/clients/kubernetes/request.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("apply-refused", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "60s"];

afterAll(() => removeExample(project.namespace));

describe("an apply refused before it changed anything", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
  });

  it("reports 'nothing changed', not a rollback, and leaves the running version alone", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    await publishDefinedVersions(project.config);
    const holder = new DeployLock(cluster, project.namespace);
    await holder.acquire();
    const running = startSlipway(project.config, ...deploy, "--wait-for-lock");
    await running.until(/waiting for the lock/);
    // The plan is made; now someone takes a field of mail's Service, the first object it applies.
    await kubeRequest(cluster.kubeConfig, {
      method: "PATCH",
      path: `/api/v1/namespaces/${project.namespace}/services/mail`,
      query: { fieldManager: "hand-edit", force: "true" },
      contentType: "application/apply-patch+yaml",
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
          name: "mail",
          namespace: project.namespace,
          labels: { "app.kubernetes.io/version": "by-hand" },
        },
      },
    });
    await holder.release();
    const code = await running.exited;
    const stdout = running.stdout();
    const stderr = running.stderr();
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(
      /mail: apply failed: Service\/mail: Apply failed with 1 conflict: conflict with "hand-edit"/,
    );
    expect(stderr).not.toContain("rolling back");
    expect(stdout).toMatch(/mail\s+failed\s+2\s+apply failed: .*; nothing changed/);
    const mail = await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "mail" });
    expect(mail.metadata?.annotations?.["slipway.dev/version"]).toBe("0.9.2");
    const failed = await store.get("mail", 2);
    expect(failed).toMatchObject({
      status: "failed",
      description: "deploy 0.9.3 (apply failed; nothing changed)",
    });
    expect(failed.rollback).toBeUndefined();
    expect((await store.get("mail", 1)).status).toBe("deployed");
  });
});
