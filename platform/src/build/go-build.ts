import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, openSync, closeSync } from "node:fs";
import { join } from "node:path";
import { PlatformError } from "../errors.ts";
import { formatElapsed, type Progress } from "../progress.ts";

export interface GoBuild {
  /** Cache key prefix and the name shown in progress, e.g. "kubernetes". */
  readonly name: string;
  readonly version: string;
  readonly moduleDir: string;
  /** Import paths of main packages; each becomes a binary named after its last element. */
  readonly packages: readonly string[];
  readonly ldflags?: string;
  /** Go build tags, comma-separated. */
  readonly tags?: string;
}

/**
 * Builds Go binaries once per version and wrapper-module content, into the cache.
 * A warm call only checks that the files are there.
 */
export async function ensureGoBuild(
  cacheDir: string,
  build: GoBuild,
  progress: Progress,
): Promise<Map<string, string>> {
  const key = `${build.name}-${build.version}-${moduleHash(build.moduleDir)}`;
  const binDir = join(cacheDir, key, "bin");
  const binaries = new Map(build.packages.map((pkg) => [binaryName(pkg), join(binDir, binaryName(pkg))]));
  if ([...binaries.values()].every((path) => existsSync(path))) return binaries;

  const logDir = join(cacheDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `build-${build.name}.log`);
  const tmpDir = join(cacheDir, `${key}.partial`);
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });

  const args = [
    "build",
    "-trimpath",
    ...(build.ldflags ? ["-ldflags", build.ldflags] : []),
    ...(build.tags ? ["-tags", build.tags] : []),
    "-o",
    `${tmpDir}/`,
    ...build.packages,
  ];
  const names = [...binaries.keys()].join(", ");
  progress.step(`building ${names} ${build.version} (cold build; cached in ${join(cacheDir, key)})`);
  const started = Date.now();
  const ticker = setInterval(
    () => progress.step(`  still building ${names}: ${formatElapsed(Date.now() - started)} elapsed`),
    15_000,
  );
  try {
    const code = await run("go", args, build.moduleDir, logPath);
    if (code !== 0) {
      throw new PlatformError(build.name, `build failed: go ${args.join(" ")} exited with ${code}`, {
        logPath,
        hint: "the Go module proxy must be reachable; a failed download shows in the log",
      });
    }
  } finally {
    clearInterval(ticker);
  }
  mkdirSync(join(cacheDir, key), { recursive: true });
  rmSync(binDir, { recursive: true, force: true });
  renameSync(tmpDir, binDir);
  progress.step(`built ${names} in ${formatElapsed(Date.now() - started)}`);
  return binaries;
}

function binaryName(pkg: string): string {
  return pkg.split("/").at(-1) ?? pkg;
}

function moduleHash(moduleDir: string): string {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum", "main.go", "pause/main.go"]) {
    const path = join(moduleDir, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest("hex").slice(0, 12);
}

function run(command: string, args: readonly string[], cwd: string, logPath: string): Promise<number> {
  const log = openSync(logPath, "w");
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd,
      stdio: ["ignore", log, log],
      env: { ...process.env, CGO_ENABLED: "0" },
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => closeSync(log));
}
