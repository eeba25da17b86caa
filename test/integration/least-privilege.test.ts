import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { V1Role } from "@kubernetes/client-node";
import { run } from "../../src/cli/run.ts";
import { mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import {
  removeExample,
  isolatedExample,
  provisionExampleDatabases,
  slipway,
} from "../support/deploy-project.ts";
import { captureOutput } from "../support/output.ts";

const project = isolatedExample("least", { node: "simulated" });

afterAll(() => removeExample(project.namespace));

describe("deploying with a namespace-scoped token", () => {
  it("works with exactly the Role `slipway rbac` prints, and nothing cluster-wide", async () => {
    const printed = await slipway(project.config, "rbac", "--env", "dev");
    expect(printed.code).toBe(0);
    const role = parse(printed.stdout) as V1Role;
    expect(role.kind).toBe("Role");
    expect(role.metadata?.namespace).toBe(project.namespace);

    // The platform team creates the namespace and the identity; the deploy uses only the token.
    await provisionExampleDatabases(project.config, "dev");
    const minted = await mintNamespaceToken({
      namespace: project.namespace,
      serviceAccount: "slipway-deployer",
      role,
      contextName: "local",
    });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), "slipway-least-")), "kubeconfig");
    writeFileSync(kubeconfig, minted.kubeconfig, { mode: 0o600 });

    const out = captureOutput();
    const code = await run(
      ["deploy", "--env", "dev", "--yes", "-c", project.config, "--kubeconfig", kubeconfig],
      out,
    );
    expect(code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/app-orchestrator\s+deployed\s+1/);

    const history = captureOutput();
    await run(["history", "auth", "--env", "dev", "-c", project.config, "--kubeconfig", kubeconfig], history);
    expect(history.stdout).toContain(`system:serviceaccount:${project.namespace}:slipway-deployer`);
    const status = captureOutput();
    expect(
      await run(["status", "--env", "dev", "-c", project.config, "--kubeconfig", kubeconfig], status),
    ).toBe(0);
  });
});
