// A team's own project, outside this repository (issue 15): the example platform copied into a
// temporary folder with a package.json of its own, the packed tarball installed into it from
// npm as a user installs it, then the project's own slipway validates, renders, plans and
// deploys. Its definitions' `import ... from "slipway"` must resolve to that installed package
// (compiled JavaScript, the definitions loaded by the package's own lazily imported tsx), never
// to this repository's sources.
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { repoRoot, removeScratchMadeHere } from "../support/project.ts";
import { assertDistFresh, runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";

const exec = promisify(execFile);

// The example with a dev namespace, databases and audit indices of this test's own; its
// databases are provisioned and its images published from this in-repository copy (the support
// code loads it in-process, with the sources), the outside project is a copy of it.
const source = isolatedExample("outside", { node: "simulated" });
const made: string[] = [];
let project = "";
let tarball = "";

/** Packs the repository as `npm pack` does, when scripts/test.sh has not already (SLIPWAY_TARBALL). */
async function packRepository(): Promise<string> {
  // dist/ as built now rather than prepack's rebuild: rebuilding deletes dist/ under the other
  // test files of this run, which start the repository's bin/slipway.js.
  assertDistFresh();
  const dir = mkdtempSync(join(tmpdir(), "slipway-pack-"));
  made.push(dir);
  await exec("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], { cwd: repoRoot });
  const [file] = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
  if (!file) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return join(dir, file);
}

/** The project's own node_modules/.bin/slipway, run from the project's folder as a user runs it. */
function slipway(...args: string[]): Promise<SlipwayResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing of the test process's own loading (vitest's, tsx's) may reach the user's command.
  delete env.NODE_OPTIONS;
  return runSlipway(args, {
    cwd: project,
    env,
    executable: join(project, "node_modules", ".bin", "slipway"),
  });
}

/** Every symbolic link under a folder, with where it points. */
function symlinks(dir: string): { link: string; target: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) return [{ link: path, target: resolve(dirname(path), readlinkSync(path)) }];
    return entry.isDirectory() ? symlinks(path) : [];
  });
}

const versionOf = (service: string): string => {
  const text = readFileSync(join(project, "services", service, "service.ts"), "utf8");
  const version = /version: "([^"]+)"/.exec(text)?.[1];
  if (!version) throw new Error(`no version in services/${service}/service.ts`);
  return version;
};
const services = ["auth", "accounting", "files", "app-orchestrator", "mail"];
const dev = ["--env", "dev", "--kubeconfig", platform.kubeconfig];

beforeAll(async () => {
  tarball = process.env.SLIPWAY_TARBALL || (await packRepository());
  project = mkdtempSync(join(tmpdir(), "slipway-outside-"));
  made.push(project);
  cpSync(source.root, project, { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      { name: "research-cloud", private: true, type: "module", dependencies: { slipway: `file:${tarball}` } },
      null,
      2,
    ) + "\n",
  );
  // From the npm registry, as a user's install: the tarball's own dependencies, none linked.
  await exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: project,
    env: { ...process.env, NODE_OPTIONS: "" },
    maxBuffer: 16 * 1024 * 1024,
  });
  await provisionExampleDatabases(source.config, "dev");
  await publishDefinedVersions(source.config);
}, 600_000);

afterAll(async () => {
  await removeExample(source.namespace);
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  removeScratchMadeHere();
});

describe("a project outside the repository, with the tarball installed into it", () => {
  it("depends on the installed package, not on this repository", async () => {
    expect(realpathSync(project).startsWith(realpathSync(repoRoot))).toBe(false);
    const installed = join(project, "node_modules", "slipway");
    expect(existsSync(join(installed, "package.json"))).toBe(true);
    expect(existsSync(join(installed, "dist", "index.js"))).toBe(true);
    // A copy extracted from the tarball, not a link to the repository (npm links file: folders).
    for (const { link, target } of symlinks(project))
      expect(realpathSync(target).startsWith(realpathSync(project)), `${link} -> ${target}`).toBe(true);
    // What a definition's `import ... from "slipway"` resolves to, asked from the project's folder.
    const { stdout } = await exec(
      process.execPath,
      ["--input-type=module", "-e", 'console.log(import.meta.resolve("slipway"))'],
      { cwd: project, env: { ...process.env, NODE_OPTIONS: "" } },
    );
    expect(realpathSync(fileURLToPath(stdout.trim()))).toBe(
      realpathSync(join(installed, "dist", "index.js")),
    );
  });

  it("prints its version", async () => {
    const r = await slipway("--version");
    expect(r.code, r.stderr).toBe(0);
    const { version } = JSON.parse(
      readFileSync(join(project, "node_modules", "slipway", "package.json"), "utf8"),
    ) as {
      version: string;
    };
    expect(r.stdout).toMatch(new RegExp(`^slipway ${version.replaceAll(".", "\\.")}\\n`));
  });

  it("validates and renders the definitions (TypeScript, loaded by the installed package)", async () => {
    const valid = await slipway("validate");
    expect(valid, valid.stderr).toMatchObject({
      code: 0,
      stdout: "research-cloud: 6 services, 2 environments (dev, prod): valid\n",
    });
    const rendered = await slipway("render", "--env", "dev");
    expect(rendered.code, rendered.stderr).toBe(0);
    const deployments = rendered.stdout.match(/^kind: Deployment$/gm) ?? [];
    expect(deployments).toHaveLength(services.length);
    expect(rendered.stdout).toContain(`namespace: ${source.namespace}\n`);
  });

  it("plans, deploys into its namespace, and shows the deployed versions in status", async () => {
    const plan = await slipway("plan", ...dev);
    expect(plan.code, plan.stderr + plan.stdout).toBe(0);
    for (const name of services) expect(plan.stdout).toContain(name);

    const deploy = await slipway("deploy", ...dev, "-y", "--timeout", "120s");
    expect(deploy.code, deploy.stderr + deploy.stdout).toBe(0);

    const status = await slipway("status", ...dev);
    expect(status.code, status.stderr).toBe(0);
    for (const name of services) {
      const v = versionOf(name).replaceAll(".", "\\.");
      // SERVICE LIVE DEFINED UP-TO-DATE READY: the defined version is the one running, all pods ready.
      expect(status.stdout, status.stdout).toMatch(
        new RegExp(`^${name}\\s+${v}\\s+${v}\\s+yes\\s+1/1\\s`, "m"),
      );
    }
  });
});
