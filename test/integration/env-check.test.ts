import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import type { EnvCheck } from "../../src/checks/access/check.ts";
import { deployerRole } from "../../src/render/rbac.ts";
import { run } from "../../src/cli/run.ts";
import { isolatedExample, slipway } from "../support/deploy-project.ts";
import { captureOutput } from "../support/output.ts";
import { kube, platform } from "../support/platform.ts";
import type { EnvironmentListDocument } from "../../src/output/documents.ts";

const project = isolatedExample("envcheck", { node: "simulated" });
const scratch = mkdtempSync(join(tmpdir(), "slipway-env-check-"));

afterAll(() =>
  kube
    .core()
    .deleteNamespace({ name: project.namespace })
    .catch(() => undefined),
);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Runs slipway with another kubeconfig than the admin one. */
async function slipwayAs(kubeconfig: string, ...args: string[]) {
  const out = captureOutput();
  const code = await run([...args, "-c", project.config, "--kubeconfig", kubeconfig], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

/** A kubeconfig for a ServiceAccount of the example's namespace, context `local` like dev's. */
async function tokenKubeconfig(serviceAccount: string, grant: Parameters<typeof mintNamespaceToken>[0]) {
  const minted = await mintNamespaceToken({ ...grant, serviceAccount, contextName: "local" });
  const path = join(scratch, serviceAccount);
  writeFileSync(path, minted.kubeconfig, { mode: 0o600 });
  return path;
}

describe("slipway env", () => {
  it("lists every environment with its context, classes and server", async () => {
    const r = await slipway(project.config, "env", "list");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `dev\\s+local\\s+${project.namespace}\\s+k3s\\s+traefik\\s+local-path\\s+https://127\\.0\\.0\\.1:26443`,
      ),
    );
    // The platform's kubeconfig always has a `rancher` context (its second control plane): prod is on it.
    expect(r.stdout).toMatch(
      new RegExp(
        `prod\\s+rancher\\s+research\\s+rancher\\s+nginx\\s+longhorn\\s+${escapeRegExp(platform.clusters.rancher.server)}`,
      ),
    );
    expect(r.stdout).not.toContain("(missing)");
    expect(r.stderr).not.toContain('kubeconfig has no context "rancher"');
    const rows = (
      JSON.parse(
        (await slipway(project.config, "env", "list", "-o", "json")).stdout,
      ) as EnvironmentListDocument
    ).environments;
    expect(rows.map((row) => row.environment)).toEqual(["dev", "prod"]);
    expect(rows[0]).toMatchObject({ contextExists: true, server: platform.apiserver });
    expect(rows[1]).toMatchObject({ contextExists: true, server: platform.clusters.rancher.server });
  });

  it("passes with the admin kubeconfig: reachable, identified, every permission allowed", async () => {
    const r = await slipway(project.config, "env", "check", "--env", "dev");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`cluster     ${platform.apiserver} reachable, Kubernetes v1.`);
    expect(r.stdout).toMatch(/identity {4}\S+/);
    // The isolated namespace does not exist yet, and the admin may create it.
    expect(r.stdout).toContain(`namespace   ${project.namespace} does not exist yet (a deploy creates it)`);
    expect(r.stdout).toMatch(/access {6}(\d+) of \1 permission\(s\) a deploy needs are allowed/);
    expect(r.stdout).toContain("OK: ");
  });

  it("lists each denied permission and the fix, for a token that may only view the namespace", async () => {
    const kubeconfig = await tokenKubeconfig("viewer", { namespace: project.namespace, clusterRole: "view" });
    const r = await slipwayAs(kubeconfig, "env", "check", "--env", "dev");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`identity    system:serviceaccount:${project.namespace}:viewer`);
    expect(r.stdout).toContain(`denied: create deployments.apps in namespace ${project.namespace}`);
    expect(r.stdout).toContain(`denied: patch configmaps in namespace ${project.namespace}`);
    expect(r.stdout).toContain(`denied: get secrets in namespace ${project.namespace}`);
    expect(r.stdout).toContain(`denied: create leases.coordination.k8s.io in namespace ${project.namespace}`);
    expect(r.stdout).not.toContain("denied: get deployments.apps");
    expect(r.stdout).toContain("slipway rbac --env dev | kubectl apply -f -");
    expect(r.stdout).toContain(
      `kubectl create rolebinding slipway-deployer --role=slipway-deployer --serviceaccount=${project.namespace}:viewer --namespace=${project.namespace}`,
    );
    expect(r.stdout).toContain("Not ready: a deploy to dev would fail");

    const json = JSON.parse(
      (await slipwayAs(kubeconfig, "env", "check", "--env", "dev", "-o", "json")).stdout,
    ) as EnvCheck;
    expect(json.ok).toBe(false);
    expect(json.permissions.find((p) => p.verb === "list" && p.resource === "pods")?.allowed).toBe(true);
    expect(json.permissions.find((p) => p.verb === "delete" && p.resource === "roles")?.allowed).toBe(false);
  });

  it("passes for a token bound to exactly the Role `slipway rbac` prints", async () => {
    const kubeconfig = await tokenKubeconfig("slipway-deployer", {
      namespace: project.namespace,
      role: deployerRole(project.namespace),
    });
    const r = await slipwayAs(kubeconfig, "env", "check", "--env", "dev");
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("may not read Namespaces");
    expect(r.stdout).not.toContain("denied:");
  });

  it("names the context and the server when the cluster cannot be reached", async () => {
    const unreachable = join(scratch, "unreachable");
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    writeFileSync(
      unreachable,
      readFileSync(platform.kubeconfig, "utf8").replaceAll(platform.apiserver, "https://127.0.0.1:1"),
      { mode: 0o600 },
    );
    const r = await slipwayAs(unreachable, "env", "check", "--env", "dev");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error: environment dev: cannot reach the cluster (context local, server https://127.0.0.1:1): connect ECONNREFUSED",
    );
  });

  it("says so when the kubeconfig has no context for the environment", async () => {
    const empty = join(scratch, "other-context");
    const config = parse(readFileSync(join(scratch, "viewer"), "utf8")) as {
      contexts: { name: string }[];
      "current-context": string;
    };
    for (const context of config.contexts) context.name = "elsewhere";
    config["current-context"] = "elsewhere";
    writeFileSync(empty, stringify(config), { mode: 0o600 });
    const r = await slipwayAs(empty, "env", "check", "--env", "dev");
    // A setup error found before any request, as for every command that reaches a cluster.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: environment dev: kubeconfig has no context "local" (contexts: elsewhere)',
    );
  });
});
