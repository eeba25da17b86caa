import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { Binaries } from "../build/binaries.ts";
import { PlatformError } from "../errors.ts";
import type { Layout } from "../layout.ts";
import type { Pki, PlatformSecrets } from "../secrets.ts";
import type { ServiceUser } from "../process/service-user.ts";
import type { Progress } from "../progress.ts";

/** What every part may use; `binaries` and `elasticsearchHome` exist only while bringing parts up. */
export interface PartContext {
  readonly layout: Layout;
  readonly secrets: PlatformSecrets;
  readonly pki: Pki;
  readonly serviceUser: ServiceUser;
  readonly progress: Progress;
  readonly binaries?: Binaries;
  readonly elasticsearchHome?: string;
}

export interface Launch {
  readonly executable: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Run as the unprivileged service user (servers that refuse root). */
  readonly asServiceUser?: boolean;
  readonly marker?: string;
}

/** A program a part runs, and how to get it when it is missing. */
export interface Program {
  /** An absolute path, or a command name looked up on PATH. */
  readonly path: string;
  /** What to do when it is missing: a package to install, a build to run. */
  readonly install: string;
}

/** One server of the local platform: how to prepare, launch, and judge it. */
export interface Part {
  readonly name: string;
  /** How to get the program `launch` names when it is missing. */
  readonly install: string;
  /** Other programs `prepare` runs. */
  readonly tools?: readonly Program[];
  /** Where clients reach it, shown by `up` and `status`. */
  readonly address: string;
  readonly ports: readonly number[];
  readonly dependsOn: readonly string[];
  readonly startTimeoutMs: number;
  /** Creates config and data folders; idempotent. */
  prepare(ctx: PartContext): Promise<void>;
  launch(ctx: PartContext): Launch;
  healthy(ctx: PartContext): Promise<boolean>;
  /** Work that needs the part healthy (extensions, nodes); idempotent. */
  afterStart?(ctx: PartContext): Promise<void>;
  version(ctx: PartContext): Promise<string>;
  /** Cleans up what outlives the part's process (containers, mounts, firewall rules); idempotent. */
  afterStop?(layout: Layout): void;
}

export function requireBinaries(ctx: PartContext): Binaries {
  if (!ctx.binaries) throw new Error("internal: binaries are not built in this context");
  return ctx.binaries;
}

/** How the Go binaries `up` builds are got back when one is missing. */
export const goBuilt = (module: "kubernetes" | "etcd" | "tools" | "node" | "coredns" | "mailpit"): string =>
  `\`npm run platform -- up\` builds it from platform/go/${module} into the cache (a missing binary is built again)`;

/**
 * Checks that every program the given parts run is there, before any of them starts:
 * the executable each one's `launch` names and the tools its `prepare` runs. A missing one
 * fails with one PlatformError naming each missing program, who needs it and how to get it.
 */
export function checkPrograms(
  parts: readonly Part[],
  ctx: PartContext,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const missing = new Map<string, { install: string; parts: string[] }>();
  const failed: PlatformError[] = [];
  for (const part of parts) {
    let programs: Program[];
    try {
      programs = [{ path: part.launch(ctx).executable, install: part.install }, ...(part.tools ?? [])];
    } catch (error) {
      // A part that cannot even say what it runs (no PostgreSQL, no Java) already says why.
      if (error instanceof PlatformError) {
        failed.push(error);
        continue;
      }
      throw error;
    }
    for (const program of programs) {
      if (findProgram(program.path, env)) continue;
      const entry = missing.get(program.path) ?? { install: program.install, parts: [] };
      entry.parts.push(part.name);
      missing.set(program.path, entry);
    }
  }
  const problems = [
    ...[...missing].map(([path, { install, parts: who }]) => ({
      part: who.join(", "),
      message: `${path} is missing (not found or not executable)`,
      hint: install,
    })),
    ...failed.map((error) => ({ part: error.part, message: error.message, hint: error.details.hint })),
  ];
  const [first, ...others] = problems;
  if (!first) return;
  if (others.length === 0) {
    throw new PlatformError(first.part, `${first.message}; nothing was started`, {
      ...(first.hint ? { hint: first.hint } : {}),
    });
  }
  throw new PlatformError(
    "platform",
    `${problems.length} programs are missing; nothing was started: ${problems
      .map((p) => `${p.part}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`)
      .join("; ")}`,
  );
}

/** The program's path if it is an executable file (a bare name is looked up on PATH). */
export function findProgram(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = path.includes("/")
    ? [path]
    : (env.PATH ?? "")
        .split(delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => join(dir, path));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}
