import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/project.ts";

/** Runs the demo as `npm run demo` does after setup and `platform up`; resolves with its exit code and output. */
function runDemo(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "scripts/demo.ts"],
      {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: "1" },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 540_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
          output: stdout + stderr,
        }),
    );
    child.stdin?.end();
  });
}

describe("the demo", () => {
  it("walks through the procedure and every step behaves as it says", { timeout: 600_000 }, async () => {
    const { code, output } = await runDemo();
    // On a failure, the demo's own last lines say which expectation did not hold.
    const tail = output.split("\n").slice(-40).join("\n");
    expect(output, tail).toContain("demo: all 8 steps behaved as described");
    expect(code, tail).toBe(0);
    // The seed's first rule, whole: prod refused before dev's sign-off, then requested, approved
    // by a second identity, and deployed.
    expect(output).toContain(
      "ok: the release manager approves it, and auth is deployed to prod with their credentials",
    );
  });
});
