import { runSlipway } from "../support/slipway-bin.ts";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleImages } from "../../scripts/build-images.ts";
import { dropExampleDatabases } from "../../scripts/example-databases.ts";
import { actionsCommands, jenkinsCommands, type CiCommand } from "../support/ci-commands.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kubeAt, platform } from "../support/platform.ts";
import { repoRoot } from "../support/project.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

// The CI examples (examples/ci) run as written: their Slipway commands, in their order, through
// the binary against the local platform, in the service's repository (a copy of the example with
// a dev and a prod namespace of its own). What is not a Slipway command (the service's tests,
// the image's build and push, the build report) is played by the example's CI before the first
// deploy, where it stands in both files.
const project = isolatedExample("ci-examples", { node: "simulated" });
const prodNamespace = `${project.namespace}-prod`;
const run = randomBytes(3).toString("hex");
// A Jenkins job of its own: the stand-in keeps builds across runs, and this file adds failing ones.
const jobPattern = `ci-examples-${run}/{service}`;
project.edit(
  "slipway.config.ts",
  'ci: { url: "http://127.0.0.1:28080" }',
  `ci: { url: "http://127.0.0.1:28080", jobPattern: "${jobPattern}" }`,
);
project.edit("slipway.config.ts", 'namespace: "research"', `namespace: "${prodNamespace}"`);
// prod takes only what was deployed and signed off in dev: the examples' signoff stage.
project.edit(
  "slipway.config.ts",
  "defaults: { replicas: 2 },",
  'defaults: { replicas: 2 },\n  promotion: { from: "dev" },',
);
let current = "1.0.0";
const setAuthVersion = (version: string): void => {
  project.edit("services/auth/service.ts", `version: "${current}"`, `version: "${version}"`);
  current = version;
};

/** `npx slipway <args>` as the CI job runs it: the binary, in the repository, KUBECONFIG set. */
async function slipwayBinary(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; output: string }> {
  const r = await runSlipway(args, { cwd: project.root, env: { KUBECONFIG: platform.kubeconfig, ...env } });
  return { code: r.code, output: r.stdout + r.stderr };
}

/** Runs a file's commands in order; each must succeed. Returns the output of each, by command. */
async function runInOrder(
  commands: readonly CiCommand[],
  env: NodeJS.ProcessEnv = {},
): Promise<Map<CiCommand, string>> {
  const outputs = new Map<CiCommand, string>();
  let built = false;
  for (const command of commands) {
    if (command.args[0] === "deploy" && !built) {
      await publishDefinedVersions(project.config);
      built = true;
    }
    if (command.args[0] === "signoff") {
      // Before the sign-off, prod refuses the version: that is what the manual stage is for.
      const before = await slipwayBinary(["plan", "auth", "--env", "prod"]);
      expect(before.code, before.output).toBe(1);
      expect(before.output).toContain(`nobody signed off the manual test of auth ${current} in dev`);
    }
    const r = await slipwayBinary(command.args, env);
    expect(r.code, `${command.where}: slipway ${command.args.join(" ")}\n${r.output}`).toBe(0);
    outputs.set(command, r.output);
  }
  return outputs;
}

/** The prod deploy passed its promotion check on the sign-off the file's signoff step recorded. */
function expectPromoted(commands: readonly CiCommand[], outputs: Map<CiCommand, string>, note: string): void {
  const prod = commands.find((c) => c.args[0] === "deploy" && c.args.includes("prod"));
  expect(prod, "a deploy to prod").toBeDefined();
  const output = outputs.get(prod as CiCommand) ?? "";
  expect(output).toMatch(
    new RegExp(`✓ promotion: deployed to dev as revision \\d+, signed off by .*${note}`),
  );
  expect(output).toMatch(new RegExp(`^auth\\s+deployed\\b`, "m"));
}

afterAll(async () => {
  await removeExample(project.namespace);
  await kubeAt("rancher")
    .core()
    .deleteNamespace({ name: prodNamespace })
    .catch(() => undefined);
  await dropExampleDatabases(prodNamespace);
});

describe("the CI examples, run as written", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    await provisionExampleDatabases(project.config, "prod");
    // What is deployed before the change the pipeline checks: auth 1.0.0 in dev.
    const r = await slipway(project.config, "deploy", "auth", "--env", "dev", "--yes");
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("reads the same flow from both files: checks, deploy to dev, sign-off, deploy to prod", () => {
    const flow = (commands: CiCommand[]): string[] => commands.map((c) => c.args.join(" "));
    // The same flow in both; the CI formats differ (annotations and SARIF in GitHub, JUnit in Jenkins).
    const expected = (
      pr: { migrations: string[]; calls: string },
      deployFlags: (env: string) => string,
    ): string[] => [
      "validate",
      ...pr.migrations,
      pr.calls,
      "list -e dev -o json",
      `deploy auth --env dev --yes${deployFlags("dev")}`,
      "signoff auth 1.9.0 --env dev --note tested",
      `deploy auth --env prod --yes${deployFlags("prod")}`,
    ];
    const jenkinsfile = join(repoRoot, "examples", "ci", "Jenkinsfile");
    const actions = join(repoRoot, "examples", "ci", "github-actions.yml");
    expect(flow(jenkinsCommands(jenkinsfile, { DEPLOY_VERSION: "1.9.0", NOTE: "tested" }))).toEqual(
      expected(
        {
          migrations: ["migrations check services/auth/migrations --junit reports/migrations.xml"],
          calls: "calls diff auth --env dev",
        },
        (env) => ` --junit reports/deploy-${env}.xml`,
      ),
    );
    expect(flow(actionsCommands(actions, { version: "1.9.0", note: "tested" }))).toEqual(
      expected(
        {
          migrations: [
            "migrations check services/auth/migrations --format github",
            "migrations check services/auth/migrations --format sarif",
          ],
          calls: "calls diff auth --env dev --format github",
        },
        () => "",
      ),
    );
  });

  it("Jenkinsfile: every Slipway command succeeds, and the sign-off lets prod take the version", async () => {
    // The change under review: a new version of auth whose login takes an optional field.
    setAuthVersion(`1.1.0-${run}`);
    project.edit(
      "services/auth/calls/login.request.json",
      '"username": { "type": "string" },',
      '"username": { "type": "string" },\n    "rememberMe": { "type": "boolean" },',
    );
    const note = "logged in with orcid";
    const commands = jenkinsCommands(join(repoRoot, "examples", "ci", "Jenkinsfile"), {
      DEPLOY_VERSION: current,
      NOTE: note,
    });
    const outputs = await runInOrder(commands);
    const diff = commands.find((c) => c.args[0] === "calls");
    expect(outputs.get(diff as CiCommand)).toMatch(/compatible\s+.*rememberMe/);
    expectPromoted(commands, outputs, note);
    // What the junit steps record: a case per migration file, a case per check and per deploy.
    const cases = (file: string): string[] =>
      [
        ...readFileSync(join(project.root, "reports", file), "utf8").matchAll(
          /<testcase classname="([^"]+)" name="([^"]+)"/g,
        ),
      ].map(([, classname, name]) => `${classname} ${name}`);
    expect(cases("migrations.xml")).toEqual([
      "slipway.migrations services/auth/migrations/V1__users.sql",
      "slipway.migrations services/auth/migrations/V2__sessions.sql",
    ]);
    expect(cases("deploy-prod.xml")).toContain("slipway.deploy.auth check promotion");
    expect(readFileSync(join(project.root, "reports", "deploy-prod.xml"), "utf8")).toMatch(
      /<testsuites tests="\d+" failures="0"/,
    );
  });

  it("GitHub Actions: every Slipway command succeeds, and the sign-off lets prod take the version", async () => {
    setAuthVersion(`1.2.0-${run}`);
    const note = "refreshed a session";
    const commands = actionsCommands(join(repoRoot, "examples", "ci", "github-actions.yml"), {
      version: current,
      note,
    });
    const summary = join(project.root, "step-summary.md");
    const outputs = await runInOrder(commands, { GITHUB_STEP_SUMMARY: summary });
    expectPromoted(commands, outputs, note);
    // The SARIF that upload-sarif takes, and the deploys' summaries on the job's page.
    const sarif = commands.find((c) => c.args.includes("sarif"));
    // auth's V2 takes a lock on users without a lock_timeout: a warning, on its file and line.
    expect(JSON.parse(outputs.get(sarif as CiCommand) ?? "")).toMatchObject({
      version: "2.1.0",
      runs: [
        {
          results: [
            {
              ruleId: "missing-lock-timeout",
              level: "warning",
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: "services/auth/migrations/V2__sessions.sql" },
                    region: { startLine: 1 },
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(readFileSync(summary, "utf8")).toContain(
      "| warning | missing-lock-timeout | services/auth/migrations/V2__sessions.sql:1:1 |",
    );
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toContain("## slipway deploy dev: deployed");
    expect(markdown).toMatch(
      new RegExp(
        `## slipway deploy prod: deployed[\\s\\S]*\\| auth \\| [^|]*${current.replace(/\./g, "\\.")} \\| ✅`,
      ),
    );
  });

  it("a version whose own tests fail is a failed build with the real counts, and the gate refuses it", async () => {
    setAuthVersion(`1.3.0-${run}`);
    project.edit(
      "services/auth/app/handler.js",
      'const providers = ["password", "wayf", "orcid"];',
      'const providers = ["password", "wayf"];',
    );
    const [build] = await buildExampleImages(project.config, "dev", (service) => service !== "auth");
    expect(build).toMatchObject({ service: "auth", version: current, result: "FAILURE" });
    expect(build?.tests).toMatchObject({ failed: 2, skipped: 0 });
    const r = await slipwayBinary(["deploy", "auth", "--env", "dev", "--yes"]);
    expect(r.code, r.output).toBe(ExitCode.refused);
    expect(r.output).toMatch(/✗ ci: Jenkins build #\d+ FAILURE, \d+ tests, 2 failed/);
    expect(r.output).toMatch(new RegExp(`build #\\d+ of auth ${current} has 2 failing of \\d+ tests`));
  });
});
