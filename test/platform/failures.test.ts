import { mkdtempSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureGoBuild } from "../../platform/src/build/go-build.ts";
import { PlatformError } from "../../platform/src/errors.ts";
import { defaultLayout, pidPath, type Layout } from "../../platform/src/layout.ts";
import type { Part, PartContext } from "../../platform/src/parts/part.ts";
import { startPart, up } from "../../platform/src/platform.ts";
import { ensureServiceUser } from "../../platform/src/process/service-user.ts";
import { isAlive, readRecord, startProcess, stopProcess } from "../../platform/src/process/supervisor.ts";
import { silentProgress } from "../../platform/src/progress.ts";
import { ensurePki, ensureSecrets } from "../../platform/src/secrets.ts";

const tempLayout = (): Layout => ({
  cacheDir: defaultLayout().cacheDir,
  stateDir: mkdtempSync(join(tmpdir(), "slipway-platform-")),
});

function contextFor(layout: Layout): PartContext {
  return {
    layout,
    secrets: ensureSecrets(layout),
    pki: ensurePki(layout),
    serviceUser: ensureServiceUser(),
    progress: silentProgress,
  };
}

function shellPart(name: string, script: string, healthy: () => Promise<boolean>): Part {
  return {
    name,
    install: "part of every Debian",
    address: "nowhere",
    ports: [],
    dependsOn: [],
    startTimeoutMs: 1500,
    prepare: async () => undefined,
    launch: () => ({ executable: "/bin/sh", args: ["-c", script], marker: script }),
    healthy,
    version: async () => "test",
  };
}

describe("platform failures are reported with the part, the cause and the log", () => {
  it("refuses to start when a port is taken, names it, and leaves nothing started", async () => {
    // The platform itself is up, so a second one in another state folder finds every port taken.
    const layout = tempLayout();
    const error = await up({ layout, progress: silentProgress }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformError);
    const rendered = (error as PlatformError).render();
    expect(rendered).toMatch(/^etcd: port 127\.0\.0\.1:23790 is already taken by etcd \(PID \d+\)/);
    const pids = join(layout.stateDir, "pids");
    expect(existsSync(pids) ? readdirSync(pids) : []).toEqual([]);
  });

  it("reports a server that exits during start-up with the tail of its log", async () => {
    const layout = tempLayout();
    const part = shellPart("crasher", "echo 'fatal: cannot bind' >&2; exit 3", async () => false);
    const error = (await startPart(part, contextFor(layout), []).catch((e: unknown) => e)) as PlatformError;
    expect(error).toBeInstanceOf(PlatformError);
    const rendered = error.render();
    expect(rendered).toContain("crasher: /bin/sh exited with code 3 during start-up");
    expect(rendered).toContain(`log: ${join(layout.stateDir, "logs", "crasher.log")}`);
    expect(rendered).toContain("| fatal: cannot bind");
  });

  it("reports a server that never becomes healthy, and the caller can stop it by PID", async () => {
    const layout = tempLayout();
    const part = shellPart("sleeper", "echo waiting; sleep 60", async () => false);
    const started: Part[] = [];
    const error = (await startPart(part, contextFor(layout), started).catch(
      (e: unknown) => e,
    )) as PlatformError;
    expect(error.render()).toMatch(/sleeper: not healthy at nowhere after 2s/);
    expect(started.map((p) => p.name)).toEqual(["sleeper"]);
    const record = readRecord(pidPath(layout, "sleeper"));
    expect(record && isAlive(record)).toBe(true);
    expect(await stopProcess(pidPath(layout, "sleeper"))).toBe("stopped");
    expect(record && isAlive(record)).toBe(false);
  });

  it("reports a server whose executable is missing, starting nothing, and does not crash", async () => {
    const layout = tempLayout();
    const part: Part = {
      ...shellPart("ghost", "true", async () => true),
      launch: () => ({ executable: "/nonexistent/ghost-server", args: [] }),
    };
    const started: Part[] = [];
    const error = (await startPart(part, contextFor(layout), started).catch(
      (e: unknown) => e,
    )) as PlatformError;
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.render()).toMatch(
      /^ghost: \/nonexistent\/ghost-server is missing or not executable\n {2}hint: part of every Debian\n/,
    );
    expect(started).toEqual([]);
    expect(existsSync(pidPath(layout, "ghost"))).toBe(false);
  });

  it("turns a spawn that fails after the executable was found into an error, not a crash", async () => {
    const layout = tempLayout();
    // A folder passes the executable check; spawning it fails (EACCES) only once spawn has returned.
    const start = () =>
      startProcess({
        executable: layout.stateDir,
        args: [],
        logPath: join(layout.stateDir, "logs", "d.log"),
        pidPath: join(layout.stateDir, "pids", "d.json"),
      });
    expect(start).toThrow(`could not start ${layout.stateDir}`);
    // Had the 'error' event gone unheard, this worker would have crashed by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(join(layout.stateDir, "pids", "d.json"))).toBe(false);
  });

  it("does not take a reused PID for its own process", async () => {
    const layout = tempLayout();
    const record = startProcess({
      executable: "/bin/sleep",
      args: ["60"],
      logPath: join(layout.stateDir, "logs", "s.log"),
      pidPath: join(layout.stateDir, "pids", "s.json"),
    });
    expect(isAlive(record)).toBe(true);
    expect(isAlive({ ...record, marker: "/usr/bin/some-other-server" })).toBe(false);
    await stopProcess(join(layout.stateDir, "pids", "s.json"));
    expect(isAlive(record)).toBe(false);
  });

  it("reports a failed build with the command and the compiler's error", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "slipway-cache-"));
    const moduleDir = mkdtempSync(join(tmpdir(), "slipway-broken-"));
    writeFileSync(join(moduleDir, "go.mod"), "module example.test/broken\n\ngo 1.22\n");
    writeFileSync(join(moduleDir, "main.go"), "package main\n\nfunc main() { undefinedCall() }\n");
    const error = (await ensureGoBuild(
      cacheDir,
      { name: "broken", version: "v0", moduleDir, packages: ["example.test/broken"] },
      silentProgress,
    ).catch((e: unknown) => e)) as PlatformError;
    expect(error).toBeInstanceOf(PlatformError);
    const rendered = error.render();
    expect(rendered).toMatch(/^broken: build failed: go build .* example\.test\/broken exited with 1/);
    expect(rendered).toContain("undefined: undefinedCall");
    expect(existsSync(join(cacheDir, "broken-v0"))).toBe(false);
  });
});
