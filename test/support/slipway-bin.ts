import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./project.ts";

/**
 * The one place that says which slipway binary the tests run as a process. scripts/test.sh
 * packs the package, installs the tarball into a temporary prefix and sets SLIPWAY_BIN to that
 * installed binary, so CI tests what users install. A developer gets the repository's
 * bin/slipway.js, which runs dist/: `npm run build` first.
 */
export const slipwayBin: string = process.env.SLIPWAY_BIN || repositoryBin();

function repositoryBin(): string {
  assertDistFresh();
  return join(repoRoot, "bin", "slipway.js");
}

/** Throws unless dist/ was built from the sources as they are now. */
export function assertDistFresh(): void {
  const main = join(repoRoot, "dist", "cli", "main.js");
  if (!existsSync(main)) throw new Error("dist/ is missing: run `npm run build` before these tests");
  const built = statSync(main).mtimeMs;
  const newer = sources(join(repoRoot, "src")).find((file) => statSync(file).mtimeMs > built);
  // A stale dist/ would test yesterday's code and pass.
  if (newer) throw new Error(`${newer} is newer than dist/: run \`npm run build\` before these tests`);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export interface SlipwayResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the binary to its end, as a user's shell does: its exit code and what it printed.
 * `executable`: another slipway (a project's node_modules/.bin/slipway), started as its own
 * program through its shebang, as `npx slipway` starts it.
 */
export function runSlipway(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly executable?: string } = {},
): Promise<SlipwayResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...options.env };
  delete env.npm_lifecycle_event; // bin/slipway.js would move to INIT_CWD under `npm run slipway`
  return new Promise((resolve, reject) => {
    const [command, argv] = options.executable
      ? [options.executable, args]
      : [process.execPath, [slipwayBin, ...args]];
    const child = spawn(command, argv, {
      cwd: options.cwd ?? repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr }));
  });
}
