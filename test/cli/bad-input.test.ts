import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleConfig } from "../support/project.ts";
import { slipwayBin } from "../support/slipway-bin.ts";

/**
 * Bad input through the real binary, as a user types it: `node bin/slipway.js ...` in a folder
 * outside the repository. Each case says its exit code (2: the command line, a file it names or
 * the setup is wrong, nothing was attempted; 1: the operation ran and failed) and one line on
 * stderr naming what is wrong (plus at most a `hint:` line), never a stack trace. No server is
 * needed: the kubeconfig's only context is one no environment names, so nothing is contacted.
 */

const bin = slipwayBin;
// Outside the repository, so the search for slipway.config.ts from the working folder up finds none.
const scratch = mkdtempSync(join(tmpdir(), "slipway-bad-input-"));
const empty = join(scratch, "empty");
mkdirSync(empty);
const file = (name: string, content: string): string => {
  const path = join(scratch, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
};
const otherContext = file(
  "kube/other-context.yaml",
  `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: nobody, user: { token: unused } }]
contexts: [{ name: elsewhere, context: { cluster: nowhere, user: nobody } }]
current-context: elsewhere
`,
);
const notYamlKube = file("kube/not-yaml.yaml", "{{{ this: is: not yaml\n  - [\n");
const missingKube = join(scratch, "kube", "missing.yaml");
const missingConfig = "/nonexistent/slipway.config.ts";
const goodSchema = file("schemas/good.json", '{ "type": "object" }\n');
const badSchema = file("schemas/bad.json", "this is { not json\n");
const missingSchema = join(scratch, "schemas", "missing.json");
const emptyRequired = file("schemas/empty-required.json", '{ "type": "object", "required": [""] }\n');
const create = "CREATE TABLE t (id int PRIMARY KEY, name text);\n";
const clean = dirname(file("migrations/clean/V1__create.sql", create));
const breaking = dirname(file("migrations/breaking/V1__create.sql", create));
file(
  "migrations/breaking/V2__drop.sql",
  "-- the old version still reads it\nALTER TABLE t DROP COLUMN name;\n",
);
const notSql = dirname(file("migrations/not-sql/V1__create.sql", create));
file("migrations/not-sql/V2__oops.sql", "-- a note\nSELECT 1;\nthis is not sql at all;\n");
const missingFolder = join(scratch, "migrations", "missing");

interface Case {
  readonly command: string;
  readonly case: string;
  readonly args: readonly string[];
  readonly code: number;
  /** What the first stderr line must name: the flag, the file, the context. */
  readonly names: string;
  readonly stdout?: (stdout: string) => void;
}

/** Each command with arguments that would get it past its own checks to the project and cluster. */
const commands: Record<string, { args: readonly string[]; required?: string; cluster: boolean }> = {
  validate: { args: [], cluster: false },
  list: { args: [], cluster: false },
  render: { args: ["--env", "dev"], required: "--env", cluster: false },
  rbac: { args: ["--env", "dev"], required: "--env", cluster: false },
  plan: { args: ["--env", "dev"], required: "--env", cluster: true },
  deploy: { args: ["--env", "dev", "--yes"], required: "--env", cluster: true },
  status: { args: ["--env", "dev"], required: "--env", cluster: true },
  history: { args: ["auth", "--env", "dev"], required: "--env", cluster: true },
  rollback: { args: ["auth", "--env", "dev"], required: "--env", cluster: true },
  job: { args: ["files", "reindex", "--env", "dev"], required: "--env", cluster: true },
  migrate: { args: ["--env", "dev", "--dry-run"], required: "--env", cluster: true },
  unlock: { args: ["--env", "dev", "--force"], required: "--env", cluster: true },
  signoff: { args: ["auth", "1.0.0", "--env", "dev", "--note", "tried"], required: "--env", cluster: true },
  "calls diff": { args: ["auth", "--env", "dev"], required: "--env", cluster: true },
  "audit status": { args: ["--env", "dev"], required: "--env", cluster: true },
  drift: { args: ["--env", "dev"], required: "--env", cluster: true },
  "env list": { args: [], cluster: false },
  "env check": { args: ["--env", "dev"], required: "--env", cluster: true },
  "cluster move": { args: ["--from", "dev", "--to", "prod", "--dry-run"], required: "--from", cluster: true },
  "canary promote": { args: ["auth", "--env", "dev"], required: "--env", cluster: true },
  abort: { args: ["auth", "--env", "dev", "--reason", "errors"], required: "--env", cluster: true },
};

/** The kubeconfig file itself is wrong: one command of each way of reading it is enough. */
const readsKubeconfigFile = ["plan", "env list", "env check", "cluster move"];

const cases: Case[] = Object.entries(commands).flatMap(([command, c]): Case[] => {
  const words = command.split(" ");
  const rows: Case[] = [
    {
      command,
      case: "unknown flag",
      args: [...words, ...c.args, "--no-such-flag", "-c", exampleConfig],
      code: 2,
      names: "--no-such-flag",
    },
    {
      command,
      case: "missing project file (-c)",
      args: [...words, ...c.args, "-c", missingConfig],
      code: 2,
      names: missingConfig,
    },
    {
      command,
      case: "no slipway.config.ts up the tree",
      args: [...words, ...c.args],
      code: 2,
      names: `no slipway.config.ts in ${empty}`,
    },
  ];
  if (c.required)
    rows.push({
      command,
      case: `missing ${c.required}`,
      args: [...words, ...c.args.filter((_, i) => c.args[i] !== c.required && c.args[i - 1] !== c.required)],
      code: 2,
      names: c.required,
    });
  if (c.cluster)
    rows.push({
      command,
      case: "kubeconfig without the context",
      args: [...words, ...c.args, "-c", exampleConfig, "--kubeconfig", otherContext],
      code: 2,
      names: 'environment dev: kubeconfig has no context "local" (contexts: elsewhere)',
    });
  if (readsKubeconfigFile.includes(command))
    rows.push(
      {
        command,
        case: "kubeconfig that does not exist",
        args: [...words, ...c.args, "-c", exampleConfig, "--kubeconfig", missingKube],
        code: 2,
        names: `cannot read kubeconfig ${missingKube}: no such file`,
      },
      {
        command,
        case: "kubeconfig that is not YAML",
        args: [...words, ...c.args, "-c", exampleConfig, "--kubeconfig", notYamlKube],
        code: 2,
        names: `cannot read kubeconfig ${notYamlKube}: not a kubeconfig`,
      },
    );
  return rows;
});

const summary = (errors: number, warnings: number): string =>
  `${errors} error(s), ${warnings} warning(s), 0 suppressed`;

cases.push(
  {
    command: "calls diff",
    case: "--old is not JSON",
    args: ["calls", "diff", "--old", badSchema, "--new", goodSchema],
    code: 2,
    names: `--old ${badSchema} is not a JSON Schema`,
  },
  {
    command: "calls diff",
    case: "--new does not exist",
    args: ["calls", "diff", "--old", goodSchema, "--new", missingSchema],
    code: 2,
    names: `--new ${missingSchema}: no such file`,
  },
  {
    command: "calls diff",
    case: 'required: [""]',
    args: ["calls", "diff", "--old", goodSchema, "--new", emptyRequired],
    code: 2,
    names: `--new ${emptyRequired} is not a JSON Schema: at /required/0: required lists "", which is no field name`,
  },
  {
    command: "calls diff",
    case: "--old without --new",
    args: ["calls", "diff", "--old", goodSchema],
    code: 2,
    names: "--old and --new go together",
  },
  {
    command: "migrations check",
    case: "clean folder",
    args: ["migrations", "check", clean],
    code: 0,
    names: summary(0, 0),
    stdout: (s) => expect(s).toBe(""),
  },
  {
    command: "migrations check",
    case: "breaking change",
    args: ["migrations", "check", breaking],
    code: 1,
    names: summary(1, 1),
    stdout: (s) =>
      expect(s).toContain(
        `${join(breaking, "V2__drop.sql")}:2:13: error ban-drop-column: dropping t.name breaks the running version`,
      ),
  },
  {
    command: "migrations check",
    case: "file that is not SQL",
    args: ["migrations", "check", notSql],
    code: 1,
    names: summary(1, 0),
    stdout: (s) =>
      expect(s).toBe(
        `${join(notSql, "V2__oops.sql")}:3:1: error syntax-error: Postgres cannot parse this file: syntax error at or near "this"\n  fix: fix the SQL\n`,
      ),
  },
  {
    command: "migrations check",
    case: "-o json",
    args: ["migrations", "check", breaking, notSql, "-o", "json"],
    code: 1,
    names: "",
    stdout: (s) => {
      const { findings } = JSON.parse(s) as { findings: { rule: string; file: string; line: number }[] };
      expect(findings.map((f) => [f.rule, f.file, f.line])).toEqual([
        ["ban-drop-column", join(breaking, "V2__drop.sql"), 2],
        ["missing-lock-timeout", join(breaking, "V2__drop.sql"), 2],
        ["syntax-error", join(notSql, "V2__oops.sql"), 3],
      ]);
    },
  },
  {
    command: "migrations check",
    case: "path that does not exist",
    args: ["migrations", "check", missingFolder],
    code: 2,
    names: `${missingFolder}: no such file or folder`,
  },
  {
    command: "migrations check",
    case: "no path",
    args: ["migrations", "check"],
    code: 2,
    names: "missing required argument 'path'",
  },
  {
    command: "migrations check",
    case: "unknown flag",
    args: ["migrations", "check", clean, "--no-such-flag"],
    code: 2,
    names: "--no-such-flag",
  },
);

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function slipway(args: readonly string[]): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: otherContext, NO_COLOR: "1" };
  delete env.npm_lifecycle_event; // bin/slipway.js would move to INIT_CWD under `npm run slipway`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: empty,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Bad input fails before any request: a case still running after this has hung.
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every case at once, a few processes at a time: each node + tsx start costs about a second. */
async function runAll(): Promise<Result[]> {
  const results: Result[] = new Array<Result>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) results[i] = await slipway(cases[i]?.args ?? []);
  };
  await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, worker));
  return results;
}

let results: Result[] = [];
beforeAll(async () => {
  for (let dir = empty; dir !== dirname(dir); dir = dirname(dir))
    expect(existsSync(join(dir, "slipway.config.ts")), `${dir} must hold no slipway.config.ts`).toBe(false);
  results = await runAll();
}, 900_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bad input through the slipway binary", () => {
  it.each(cases.map((c, i) => [`${c.command}: ${c.case} → exit ${c.code}`, c, i] as const))(
    "%s",
    (_name, c, i) => {
      const r = results[i] as Result;
      const context = `slipway ${c.args.join(" ")}\n--- stderr\n${r.stderr}--- stdout\n${r.stdout}`;
      expect(r.code, context).toBe(c.code);
      expect(r.stderr, context).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(r.stderr, context).not.toMatch(/TypeError|^(\w*Error|internal error):/m);
      const lines = r.stderr.split("\n").filter((l) => l !== "");
      if (c.names === "") expect(lines, context).toEqual([]);
      else {
        expect(lines.length, context).toBeGreaterThanOrEqual(1);
        expect(lines[0], context).toContain(c.names);
        expect(lines.slice(1), context).toEqual(
          lines.length > 1 ? [expect.stringMatching(/^\s*hint: /)] : [],
        );
      }
      c.stdout?.(r.stdout);
    },
  );
});
