import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "../../src/clients/registry/client.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { SearchClient } from "../../src/clients/search/client.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { EnvironmentModel } from "../../src/definitions/model.ts";
import { listedPlanFor } from "../../src/deploy/listed-plan.ts";
import type { PlanningSession } from "../../src/plan/plan-for-session.ts";
import { formatPlan, plain } from "../../src/output/plan.ts";
import { buildAndPushImage, reportBuild } from "../../scripts/build-images.ts";
import { runServiceTests } from "../../scripts/service-tests.ts";
import type { StandInBuild } from "../../platform/src/stand-ins/jenkins.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
  slipwayUnpublished,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import type { HistoryDocument } from "../../src/output/documents.ts";

// "Built and tested": the registry (real, with authentication on) and CI (the Jenkins stand-in,
// a platform part, since no real Jenkins runs on these machines) are checked before any deploy.
const project = isolatedExample("gate", { node: "simulated" });
const prodNamespace = `${project.namespace}-prod`;
const run = randomBytes(3).toString("hex");
let current = "1.0.0";
// A Jenkins job of its own per run: the stand-in keeps builds across runs, and this file adds nine.
const jobPattern = `gate-${run}/{service}`;
project.edit(
  "slipway.config.ts",
  'ci: { url: "http://127.0.0.1:28080" }',
  `ci: { url: "http://127.0.0.1:28080", jobPattern: "${jobPattern}" }`,
);

/** Sets auth's defined version; every test uses versions of its own, the stand-in is shared. */
function defineAuthVersion(version: string): void {
  project.edit("services/auth/service.ts", `version: "${current}"`, `version: "${version}"`);
  current = version;
}

/** Pushes auth's image for a version, and reports its build to Jenkins unless `build` is null. */
async function publishAuth(version: string, build: StandInBuild | null = {}, revision?: string) {
  const image = await buildAndPushImage({
    service: "auth",
    version,
    image: "auth",
    ...(revision ? { revision } : {}),
  });
  if (build) await reportBuild(image, jobPattern, build);
  return image;
}

const liveImage = async (): Promise<string | undefined> =>
  (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "auth" })).spec?.template
    .spec?.containers[0]?.image;

const plan = (...args: string[]) =>
  slipwayUnpublished(project.config, "plan", "auth", "--env", "dev", ...args);

afterAll(async () => {
  await removeExample(project.namespace);
  await kube
    .core()
    .deleteNamespace({ name: prodNamespace })
    .catch(() => undefined);
});

describe("the registry and CI checks before a deploy", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
  });

  it("shows both checks passing in the plan, and pins the checked digest in what is applied", async () => {
    const r = await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const log = r.stdout + r.stderr;
    const resolved = await RegistryClient.fromEnvironment(platform.registry, { insecure: true }).resolveTag(
      "research/auth",
      "1.0.0",
    );
    expect(log).toContain(`✓ image: ${platform.registry}/research/auth:1.0.0 is ${resolved.digest}`);
    // The example's CI ran auth's own tests (services/auth/app) and reported their real count.
    const tests = await runServiceTests(join(project.root, "services", "auth", "app"));
    expect(log).toMatch(new RegExp(`✓ ci: Jenkins build #\\d+ SUCCESS, ${tests.passed} tests, 0 failed`));
    expect(await liveImage()).toBe(`${platform.registry}/research/auth@${resolved.digest}`);
    const history = await slipway(project.config, "history", "auth", "--env", "dev", "-o", "json");
    expect((JSON.parse(history.stdout) as HistoryDocument).releases[0]).toMatchObject({
      version: "1.0.0",
      status: "deployed",
    });
  });

  it("blocks a version whose tag is not in the registry", async () => {
    defineAuthVersion(`9.1.0-${run}`);
    const p = await plan();
    expect(p.code).toBe(1);
    expect(p.stdout).toContain(`tag ${current}: tag not found`);
    expect(p.stdout).toContain("BLOCKED");
    const d = await slipwayUnpublished(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(d.code).toBe(ExitCode.refused);
    expect(d.stderr).toContain("refused: a check of the procedure failed");
    expect(await liveImage()).toContain("research/auth@sha256:");
  });

  it("blocks with wrong registry credentials, without printing them", async () => {
    defineAuthVersion(`9.2.0-${run}`);
    await publishAuth(current);
    const dir = mkdtempSync(join(tmpdir(), "docker-config-"));
    const wrong = `wrong-${randomBytes(6).toString("hex")}`;
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        auths: { [platform.registry]: { auth: Buffer.from(`slipway:${wrong}`).toString("base64") } },
      }),
    );
    const saved = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = dir;
    try {
      const p = await plan();
      expect(p.code).toBe(1);
      expect(p.stdout).toMatch(/unauthorized/);
      expect(p.stdout + p.stderr).not.toContain(wrong);
    } finally {
      process.env.DOCKER_CONFIG = saved;
    }
    expect((await plan()).code).toBe(0);
  });

  it("blocks an image whose revision label is not the commit CI built and tested", async () => {
    defineAuthVersion(`9.3.0-${run}`);
    const tested = "a".repeat(40);
    const image = await publishAuth(current, null, "b".repeat(40));
    await reportBuild({ ...image, revision: tested }, jobPattern);
    const p = await plan();
    expect(p.code).toBe(1);
    expect(p.stdout).toContain(`the image's revision label says ${"b".repeat(40)}`);
    expect(p.stdout).toContain(`built ${tested}: the tag was pushed from another commit`);
  });

  it.each([
    ["a failed build", { result: "FAILURE" }, /FAILURE/],
    ["an unstable build", { result: "UNSTABLE" }, /UNSTABLE/],
    ["a build that ran no tests", { tests: { passed: 0, failed: 0, skipped: 0 } }, /no tests|0 tests/],
    ["a build with failing tests", { tests: { passed: 10, failed: 2, skipped: 0 } }, /2 fail/],
    ["no build at all", null, /no build|No build/],
  ] as const)("blocks %s, with the reason and a link", async (_name, build, reason) => {
    defineAuthVersion(`9.4.${Math.floor(Math.random() * 1e6)}-${run}`);
    await publishAuth(current, build as StandInBuild | null);
    const p = await plan();
    expect(p.code, p.stdout).toBe(1);
    const ci = p.stdout.split("\n").filter((l, i, all) => l.includes("✗ ci") || all[i - 1]?.includes("✗ ci"));
    expect(ci.join("\n"), p.stdout).toMatch(reason);
    expect(ci.join("\n")).toContain(`${platform.jenkins.url}job/gate-${run}/job/auth/`);
  });

  it("--skip-ci-check deploys in an emergency, and status and history show who skipped it and why", async () => {
    defineAuthVersion(`9.5.0-${run}`);
    await publishAuth(current, { result: "FAILURE" });
    const noReason = await slipwayUnpublished(
      project.config,
      "deploy",
      "auth",
      "--env",
      "dev",
      "--yes",
      "--skip-ci-check",
    );
    expect(noReason.code).toBe(2);
    const r = await slipwayUnpublished(
      project.config,
      "deploy",
      "auth",
      "--env",
      "dev",
      "--yes",
      "--skip-ci-check",
      "--reason",
      "login outage hotfix",
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const history = await slipway(project.config, "history", "auth", "--env", "dev");
    expect(history.stdout).toMatch(/CI check skipped by .*: login outage hotfix/);
    const status = await slipway(project.config, "status", "--env", "dev");
    expect(status.stdout).toMatch(/auth .*CI check skipped by .*: login outage hotfix/);
  });

  it("warns, without blocking, about a build that records no revision, and records the warning", async () => {
    defineAuthVersion(`9.8.0-${run}`);
    const image = await publishAuth(current, { revision: "" }); // a job that does not check out with git
    const p = await plan();
    expect(p.code, p.stdout).toBe(0);
    expect(p.stdout).toMatch(/✓ ci: Jenkins build #\d+ SUCCESS, 12 tests, 0 failed/);
    expect(p.stdout).toMatch(
      new RegExp(
        `! warning: Jenkins build #\\d+ of auth ${current} records no git revision, so it was not compared with the image's revision label \\(${image.revision}\\)`,
      ),
    );
    expect(p.stdout).not.toContain("BLOCKED");
    const d = await slipwayUnpublished(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stderr).toMatch(/auth: warning: ci: Jenkins build #\d+ of auth \S+ records no git revision/);
    const release = await new ReleaseStore(
      Cluster.open("local", platform.kubeconfig),
      project.namespace,
    ).latest("auth", ["deployed"]);
    expect(release?.version).toBe(current);
    expect(release?.checks).toContainEqual({
      check: "gate/ci",
      outcome: "passed",
      message: expect.any(String),
    });
    expect(release?.checks).toContainEqual({
      check: "gate/ci",
      outcome: "warning",
      message: expect.stringContaining("records no git revision"),
    });
  });

  it("reports a namespace without the registry's pull secret instead of letting pods fail to pull", async () => {
    defineAuthVersion(`9.6.0-${run}`);
    await publishAuth(current);
    await kube.core().deleteNamespacedSecret({ name: "registry-credentials", namespace: project.namespace });
    try {
      const p = await plan();
      expect(p.code).toBe(1);
      expect(p.stdout).toContain(`namespace ${project.namespace} has no Secret registry-credentials`);
    } finally {
      await provisionExampleDatabases(project.config, "dev");
    }
    expect((await plan()).code).toBe(0);
  });

  it("prod refuses a version not deployed and signed off in dev, and says what is missing", async () => {
    project.edit("slipway.config.ts", 'namespace: "research"', `namespace: "${prodNamespace}"`);
    project.edit(
      "slipway.config.ts",
      "defaults: { replicas: 2 },",
      'defaults: { replicas: 2 },\n  promotion: { from: "dev" },',
    );
    defineAuthVersion(`9.7.0-${run}`);
    await publishAuth(current);
    const prodPlan = () => slipwayUnpublished(project.config, "plan", "auth", "--env", "prod");

    const before = await prodPlan();
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`auth ${current} was never deployed successfully to dev`);
    expect(before.stdout).toContain(`nobody signed off the manual test of auth ${current} in dev`);

    const signoff = () =>
      slipway(project.config, "signoff", "auth", current, "--env", "dev", "--note", "clicked through login");
    const early = await signoff();
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("was never deployed successfully to dev");

    expect((await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes")).code).toBe(0);
    const signed = await signoff();
    expect(signed.code, signed.stderr).toBe(0);

    const after = await prodPlan();
    expect(after.stdout).toMatch(
      /✓ promotion: deployed to dev as revision \d+, signed off by .* clicked through login/,
    );
    // prod is the second control plane (context rancher): the promotion check read dev's cluster.
    expect(after.stdout).toContain("context rancher");
  });
});

describe("checks an environment requires", () => {
  const requireInDev = (checks: string): void =>
    project.edit(
      "slipway.config.ts",
      // dev's defaults come first in the file: requires goes before them.
      "  defaults: {\n    replicas: 1,",
      `  requires: ${checks},\n  defaults: {\n    replicas: 1,`,
    );

  it("refuses, at load time, an environment that requires a check it cannot run (exit 2, located)", async () => {
    const copy = isolatedExample("gate-requires", { node: "simulated" });
    copy.edit(
      "slipway.config.ts",
      "  defaults: {\n    replicas: 1,",
      '  requires: ["image", "ci", "promotion"],\n  defaults: {\n    replicas: 1,',
    );
    const p = await slipwayUnpublished(copy.config, "plan", "--env", "dev");
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(
      /slipway\.config\.ts: environments\[0\]\.requires\[2\]: requires the promotion check, but environment "dev" names no earlier environment to promote from/,
    );
  });

  it("blocks the plan when a required check does not run", async () => {
    // Loading refuses such an environment (above); a model made otherwise meets the gate's own rule.
    defineAuthVersion(`9.9.0-${run}`);
    await publishAuth(current);
    const loaded = await loadProject(project.config);
    const { ci: _ci, ...devWithoutCi } = loaded.environments.find(
      (e) => e.name === "dev",
    ) as EnvironmentModel;
    const env: EnvironmentModel = { ...devWithoutCi, requires: ["image", "ci"] };
    const cluster = Cluster.open("local", platform.kubeconfig);
    const session: PlanningSession = {
      project: { ...loaded, environments: loaded.environments.map((e) => (e.name === "dev" ? env : e)) },
      env,
      cluster,
      clusterFor: () => cluster,
      search: SearchClient.fromEnvironment(platform.elasticsearch),
    };
    const planned = await listedPlanFor(session, ["auth"]);
    expect(planned.blocked).toBe(true);
    const text = formatPlan(planned, plain);
    expect(text).toContain(
      `✗ ci: environment dev names no CI server: nothing says auth ${current} was tested`,
    );
    expect(text).toContain(
      "environment dev requires the ci check, and a deploy here does not go ahead without it",
    );
    expect(text).toContain("BLOCKED");
  });

  it("lets the emergency override skip a required check, with a warning in the plan and the override recorded", async () => {
    requireInDev('["image", "ci"]');
    defineAuthVersion(`9.10.0-${run}`);
    await publishAuth(current, { result: "FAILURE" });
    const blocked = await plan();
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/✗ ci: Jenkins build #\d+ FAILURE/);
    const r = await slipwayUnpublished(
      project.config,
      "deploy",
      "auth",
      "--env",
      "dev",
      "--yes",
      "--skip-ci-check",
      "--reason",
      "Jenkins is down, hotfix tested by hand",
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain("- ci: skipped (--skip-ci-check): Jenkins is down, hotfix tested by hand");
    expect(r.stderr).toContain(
      "! warning: environment dev requires the ci check; skipped by the emergency override --skip-ci-check (Jenkins is down, hotfix tested by hand), recorded in the release",
    );
    const release = await new ReleaseStore(
      Cluster.open("local", platform.kubeconfig),
      project.namespace,
    ).latest("auth", ["deployed"]);
    expect(release?.version).toBe(current);
    expect(release?.overrides).toEqual([
      expect.stringMatching(/^CI check skipped by .*: Jenkins is down, hotfix tested by hand$/),
    ]);
    expect(release?.checks).toContainEqual({
      check: "gate/ci",
      outcome: "warning",
      message: expect.stringContaining("environment dev requires the ci check"),
    });
  });
});
