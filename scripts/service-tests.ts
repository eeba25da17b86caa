// The test step of the example platform's CI: runs a service program's own tests with Node's
// test runner (`node --test`) and reads the counts from its TAP summary, as a Jenkins job would
// publish them. Nothing to install: node:test ships with Node.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";

export interface TestRun {
  readonly passed: number;
  /** Failed and cancelled tests. */
  readonly failed: number;
  /** Skipped and todo tests. */
  readonly skipped: number;
  /** The test files run, relative to the program's folder. */
  readonly files: readonly string[];
  /** The runner's TAP output, for a failing build's log. */
  readonly output: string;
}

/** The test files of a program: `*.test.js` / `*.test.mjs` directly in its folder. */
export const testFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => /\.test\.m?js$/.test(name))
    .sort();

/**
 * Runs the program's tests in its folder and counts them. A failing test is a count, not an
 * error; a runner that prints no summary (it could not start) throws, since then nothing is known.
 */
export async function runServiceTests(dir: string): Promise<TestRun> {
  const files = testFiles(dir);
  if (files.length === 0) throw new Error(`${dir} has no *.test.js files`);
  const output = await new Promise<string>((resolve, reject) =>
    // node --test exits 1 when a test fails: the summary, not the exit code, says how many.
    execFile(
      process.execPath,
      ["--test", "--test-reporter=tap", ...files],
      { cwd: dir, env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        /^# tests \d+$/m.test(stdout)
          ? resolve(stdout)
          : reject(new Error(`node --test in ${dir} printed no summary: ${stderr.trim() || error?.message}`)),
    ),
  );
  const count = (name: string): number =>
    Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(output)?.[1] ?? 0);
  return {
    passed: count("pass"),
    failed: count("fail") + count("cancelled"),
    skipped: count("skipped") + count("todo"),
    files,
    output,
  };
}
