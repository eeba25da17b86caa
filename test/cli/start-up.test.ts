import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { commands } from "../../src/cli/command-table.ts";
import { exampleConfig, repoRoot } from "../support/project.ts";
import { runSlipway } from "../support/slipway-bin.ts";

/**
 * How the binary starts: what --version says, and what each kind of command loads. A command
 * that loads the Kubernetes client, the SQL parser or tsx when it needs none of them is slow for
 * no reason (bench/cli.ts measures how slow); the module list is the cause, measured exactly.
 */

const scratch = mkdtempSync(join(tmpdir(), "slipway-start-up-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A resolve hook, registered before the CLI starts, that writes down every module it loads.
const hooks = join(scratch, "hooks.mjs");
writeFileSync(
  hooks,
  `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.SLIPWAY_TEST_LOADED, result.url + "\\n");
  return result;
}
`,
);
const register = join(scratch, "register.mjs");
writeFileSync(
  register,
  `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);

const migrations = join(scratch, "migrations");
mkdirSync(migrations);
writeFileSync(join(migrations, "V1__create.sql"), "CREATE TABLE t (id int PRIMARY KEY);\n");
writeFileSync(join(migrations, "V2__add.sql"), "ALTER TABLE t ADD COLUMN name text;\n");

let runs = 0;
/** The packages (node_modules/<name>) a command line loads, and its result. */
async function packagesLoaded(...args: string[]): Promise<{ code: number; packages: Set<string> }> {
  const log = join(scratch, `loaded-${runs++}.txt`);
  writeFileSync(log, "");
  const r = await runSlipway(args, {
    env: { SLIPWAY_TEST_LOADED: log, NODE_OPTIONS: `--import=${register}` },
  });
  const packages = new Set(
    [...readFileSync(log, "utf8").matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1] ?? ""),
  );
  expect(r.stderr, "the command's own stderr").not.toMatch(/internal error|ERR_|\n\s+at /);
  return { code: r.code, packages };
}

const version = (pkg: string): string =>
  (
    JSON.parse(readFileSync(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

describe("slipway's start-up", () => {
  it("--version prints Slipway's version and the Kubernetes client's and the Postgres parser's", async () => {
    const own = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string })
      .version;
    const r = await runSlipway(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`slipway ${own}`);
    expect(r.stdout).toContain(`  @kubernetes/client-node ${version("@kubernetes/client-node")}\n`);
    expect(r.stdout).toContain(`  libpg-query ${version("libpg-query")}\n`);
    expect(r.stdout).toContain(`  node ${process.versions.node}\n`);
  });

  it("--help lists every command with its summary", async () => {
    const r = await runSlipway(["--help"]);
    expect(r.code).toBe(0);
    for (const c of commands)
      expect(r.stdout).toMatch(new RegExp(`^  ${c.term.replace(/[[\].]/g, "\\$&")} +\\S`, "m"));
  });

  it("--version and --help load no command's libraries; migrations check only the SQL parser", async () => {
    const heavy = ["tsx", "esbuild", "@kubernetes/client-node", "libpg-query", "zod", "yaml", "pg"];
    for (const flag of ["--version", "--help"]) {
      const { code, packages } = await packagesLoaded(flag);
      expect(code).toBe(0);
      expect(
        heavy.filter((p) => packages.has(p)),
        flag,
      ).toEqual([]);
    }
    const check = await packagesLoaded("migrations", "check", migrations);
    expect(check.code).toBe(0);
    expect(heavy.filter((p) => check.packages.has(p))).toEqual(["libpg-query"]);
  });

  it("loads esbuild only for a command that reads the definitions, and no module loader", async () => {
    const { code, packages } = await packagesLoaded("validate", "-c", exampleConfig);
    expect(code).toBe(0);
    expect(packages.has("esbuild")).toBe(true);
    expect(packages.has("tsx")).toBe(false);
    expect(packages.has("@kubernetes/client-node")).toBe(false);
  });
});
