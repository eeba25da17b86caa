import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ensureBinaries, type Binaries } from "../../platform/src/build/binaries.ts";
import { PlatformError } from "../../platform/src/errors.ts";
import { defaultLayout, pidPath, type Layout } from "../../platform/src/layout.ts";
import { allParts } from "../../platform/src/parts/index.ts";
import { checkPrograms, type Part, type PartContext } from "../../platform/src/parts/part.ts";
import { platformLockPath, up } from "../../platform/src/platform.ts";
import { acquireLock } from "../../platform/src/process/lock.ts";
import { ensureServiceUser } from "../../platform/src/process/service-user.ts";
import { stopProcess } from "../../platform/src/process/supervisor.ts";
import { silentProgress } from "../../platform/src/progress.ts";
import { ensurePki, ensureSecrets } from "../../platform/src/secrets.ts";
import { versions } from "../../platform/src/versions.ts";
import { repoRoot } from "../support/project.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** A state folder of its own; the cache is the shared one (warm, so only read). */
const isolatedLayout = (): Layout => ({
  cacheDir: defaultLayout().cacheDir,
  stateDir: mkdtempSync(join(tmpdir(), "slipway-up-")),
});

/** A server on no port at all: it leaves a file behind once it runs, and is healthy once it does. */
function markerPart(name: string, marker: string, executable = "/bin/sh"): Part {
  const script = `touch '${marker}'; sleep 60`;
  return {
    name,
    install: `the test's own ${name}`,
    address: "nowhere",
    ports: [],
    dependsOn: [],
    startTimeoutMs: 10_000,
    prepare: async () => undefined,
    launch: () => ({ executable, args: ["-c", script], marker: script }),
    healthy: async () => existsSync(marker),
    version: async () => "test",
  };
}

const pidFiles = (layout: Layout): string[] => {
  const dir = join(layout.stateDir, "pids");
  return existsSync(dir) ? readdirSync(dir) : [];
};

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run platform -- <args>` as its own process; `onStderr` sees its progress as it comes. */
function platformCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; onStderr?: (soFar: string) => void } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", tsx, join(repoRoot, "platform", "src", "cli.ts"), ...args],
      { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr);
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A Node stack frame, as an uncaught error prints it. */
const stackFrame = /^\s+at .+:\d+:\d+\)?$/m;

describe("a part whose program is missing", () => {
  it("fails `up` before any part starts, naming the program and how to get it", async () => {
    const layout = isolatedLayout();
    const marker = join(layout.stateDir, "first-ran");
    const first = markerPart("first", marker);
    const missing = markerPart("second", join(layout.stateDir, "second-ran"), "/nonexistent/slipway-server");
    const error = await up({ layout, progress: silentProgress, parts: [first, missing] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).render()).toBe(
      [
        "second: /nonexistent/slipway-server is missing (not found or not executable); nothing was started",
        "  hint: the test's own second",
      ].join("\n"),
    );
    // `first` has no dependency on `second` and would have started at once: it did not.
    expect(existsSync(marker)).toBe(false);
    expect(pidFiles(layout)).toEqual([]);
    expect(existsSync(platformLockPath(layout))).toBe(false);
  });

  it("names every missing program at once, tools `prepare` runs included", async () => {
    const layout = isolatedLayout();
    const tooled: Part = {
      ...markerPart("tooled", join(layout.stateDir, "tooled-ran")),
      tools: [{ path: "slipway-no-such-tool", install: "apt-get install slipway-no-such-tool" }],
    };
    const missing = markerPart(
      "missing",
      join(layout.stateDir, "missing-ran"),
      "/nonexistent/slipway-server",
    );
    const error = (await up({ layout, progress: silentProgress, parts: [tooled, missing] }).catch(
      (e: unknown) => e,
    )) as PlatformError;
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.render()).toBe(
      "platform: 2 programs are missing; nothing was started: " +
        "tooled: slipway-no-such-tool is missing (not found or not executable) (apt-get install slipway-no-such-tool); " +
        "missing: /nonexistent/slipway-server is missing (not found or not executable) (the test's own missing)",
    );
    expect(pidFiles(layout)).toEqual([]);
  });

  it("(the same parts with their programs there do start: the checks above are not vacuous)", async () => {
    const layout = isolatedLayout();
    const marker = join(layout.stateDir, "first-ran");
    const rows = await up({ layout, progress: silentProgress, parts: [markerPart("first", marker)] });
    try {
      expect(rows).toMatchObject([{ name: "first", state: "up" }]);
      expect(existsSync(marker)).toBe(true);
    } finally {
      expect(await stopProcess(pidPath(layout, "first"))).toBe("stopped");
    }
  });

  describe("the platform's own parts", () => {
    const layout = isolatedLayout();
    const context = async (binaries?: Binaries): Promise<PartContext> => ({
      layout,
      secrets: ensureSecrets(layout),
      pki: ensurePki(layout),
      serviceUser: ensureServiceUser(),
      progress: silentProgress,
      binaries: binaries ?? (await ensureBinaries(layout.cacheDir, silentProgress)),
      elasticsearchHome: join(layout.cacheDir, `elasticsearch-${versions.elasticsearch}`),
    });

    it("have every program they run on this machine", async () => {
      const ctx = await context();
      expect(() => checkPrograms(allParts, ctx)).not.toThrow();
    });

    it("say which package brings a tool that is not on PATH (htpasswd for the registry)", async () => {
      const ctx = await context();
      const error = (() => {
        try {
          checkPrograms(allParts, ctx, { PATH: "/nonexistent" });
        } catch (e) {
          return e;
        }
      })() as PlatformError;
      expect(error).toBeInstanceOf(PlatformError);
      expect(error.message).toContain(
        "registry: htpasswd is missing (not found or not executable) (apt-get install apache2-utils (scripts/setup.sh installs it))",
      );
      expect(error.message).toContain("kwok, rancher/kwok, edge/kwok: go is missing");
    });

    it("say how a missing Go-built binary is built again", async () => {
      const real = await ensureBinaries(layout.cacheDir, silentProgress);
      const ctx = await context({ ...real, kubeApiserver: "/nonexistent/kube-apiserver" });
      const error = (() => {
        try {
          checkPrograms(allParts, ctx);
        } catch (e) {
          return e;
        }
      })() as PlatformError;
      expect(error).toBeInstanceOf(PlatformError);
      expect(error.render()).toBe(
        [
          "kube-apiserver, rancher/kube-apiserver, edge/kube-apiserver: /nonexistent/kube-apiserver is missing (not found or not executable); nothing was started",
          "  hint: `npm run platform -- up` builds it from platform/go/kubernetes into the cache (a missing binary is built again)",
        ].join("\n"),
      );
    });
  });
});

describe("two `platform up` at once, against the shared platform (which is up: they only find it so)", () => {
  it("the second waits for the first, says for whom, then goes on and finds the platform up", async () => {
    // This test holds the lock as the first `up` would.
    const release = await acquireLock(platformLockPath(defaultLayout()), {
      what: "platform up",
    });
    const waiting = `waiting for another \`platform up\` (pid ${process.pid}) to finish`;
    let sawWaiting: () => void = () => undefined;
    const second = platformCli(["up"], {
      onStderr: (soFar) => {
        if (soFar.includes(waiting)) sawWaiting();
      },
    });
    let exited = false;
    const saw = new Promise<void>((resolve, reject) => {
      sawWaiting = resolve;
      void second.then((r) => {
        exited = true;
        reject(new Error(`\`platform up\` ended without waiting (exit ${r.code}): ${r.stderr}`));
      });
    });
    try {
      await saw;
      // It keeps waiting while the lock is held.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(exited).toBe(false);
    } finally {
      release();
    }
    const r = await second;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.indexOf(waiting)).toBe(0);
    expect(r.stderr).toContain("the other run has finished; going on with `platform up`");
    expect(r.stderr.match(/\(already up, PID \d+\)/g)).toHaveLength(allParts.length);
    expect(r.stdout.match(/^\S+\s+up\s/gm)).toHaveLength(allParts.length);
    expect(r.stderr).not.toMatch(stackFrame);
  });

  it("two started together both succeed, one after the other, without a stack trace", async () => {
    const runs = await Promise.all([platformCli(["up"]), platformCli(["up"])]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^platform up in \d+s; kubeconfig: /m);
      expect(r.stderr).not.toMatch(stackFrame);
    }
    expect(existsSync(platformLockPath(defaultLayout()))).toBe(false);
  });
});

describe("`platform` errors", () => {
  it("are one line, without a stack trace, even when they are not the platform's own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-cli-"));
    writeFileSync(join(dir, "file"), "");
    // A state folder that cannot be made: the lock cannot be taken, nothing is built or started.
    const stateDir = join(dir, "file", "state");
    const r = await platformCli(["up"], { env: { ...process.env, SLIPWAY_PLATFORM_DIR: stateDir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ENOTDIR: not a directory, mkdir '${stateDir}[^\n]*'\n$`));
    expect(r.stderr).not.toMatch(stackFrame);
  });
});
