import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock, readLockHolder } from "../../platform/src/process/lock.ts";
import { repoRoot } from "../support/project.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const contenderScript = join(repoRoot, "test", "support", "lock-contender.ts");

interface Contender {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once its output matches; rejects if it exits first or the wait is long. */
  saw(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A real process (node + tsx) contending for the lock at `lock`. */
function contender(lock: string, journal: string, hold: string): Contender {
  const child = spawn(process.execPath, ["--import", tsx, contenderScript, lock, journal, hold], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.push(child);
  if (child.pid === undefined) throw new Error("contender did not start");
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    pid: child.pid,
    output: () => out,
    exited,
    saw: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`contender exited before printing ${pattern}: ${out}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs}ms: ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

const scratch = (): { lock: string; journal: string } => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-lock-"));
  const journal = join(dir, "journal");
  writeFileSync(journal, "");
  mkdirSync(join(dir, "state"));
  return { lock: join(dir, "state", "platform.lock"), journal };
};

describe("the platform lock, contended by real processes", () => {
  it("makes the second process wait, naming the holder's pid, and lets it in once the first releases", async () => {
    const { lock, journal } = scratch();
    const first = contender(lock, journal, "stdin");
    await first.saw(/^acquired$/m);
    expect(readLockHolder(lock)).toMatchObject({ pid: first.pid, what: "lock test" });

    const second = contender(lock, journal, "0");
    await second.saw(new RegExp(`^waiting ${first.pid}$`, "m"));
    // It keeps waiting while the first holds the lock.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.output()).not.toContain("acquired");

    first.child.stdin?.write("release\n");
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/acquired\nreleased\n$/);
    expect(readFileSync(journal, "utf8")).toBe(
      `enter ${first.pid}\nexit ${first.pid}\nenter ${second.pid}\nexit ${second.pid}\n`,
    );
    expect(existsSync(lock)).toBe(false);
  });

  it("lets exactly one of several processes that start together hold it at a time", async () => {
    const { lock, journal } = scratch();
    const all = Array.from({ length: 4 }, () => contender(lock, journal, "150"));
    expect(await Promise.all(all.map((c) => c.exited))).toEqual([0, 0, 0, 0]);
    const lines = readFileSync(journal, "utf8").trim().split("\n");
    expect(lines).toHaveLength(8);
    // Every "enter" is followed by the same process's "exit": no two holds overlap.
    for (let i = 0; i < lines.length; i += 2) {
      const pid = lines[i]?.replace("enter ", "");
      expect(lines[i]).toBe(`enter ${pid}`);
      expect(lines[i + 1]).toBe(`exit ${pid}`);
    }
    expect(new Set(lines.map((l) => l.split(" ")[1]))).toEqual(new Set(all.map((c) => String(c.pid))));
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over the lock of a holder that was killed (its pid is gone)", async () => {
    const { lock, journal } = scratch();
    const killed = contender(lock, journal, "forever");
    await killed.saw(/^acquired$/m);
    const waiter = contender(lock, journal, "0");
    await waiter.saw(new RegExp(`^waiting ${killed.pid}$`, "m"));
    killed.child.kill("SIGKILL");
    await killed.exited;
    // The lock file outlives its holder; the waiter finds the pid dead and goes on.
    await waiter.saw(/^acquired$/m, 15_000);
    expect(await waiter.exited).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it("does not take a live process that reused a dead holder's pid for the holder", async () => {
    const { lock, journal } = scratch();
    // This test's own pid, alive, but with a start time that is not this process's.
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, startTime: "1", what: "platform up", since: "", token: "old" }),
    );
    const waiter = contender(lock, journal, "0");
    await waiter.saw(/^acquired$/m, 15_000);
    expect(await waiter.exited).toBe(0);
    expect(waiter.output()).not.toContain("waiting");
  });

  it("waits for a holder in this same process too, and gives up when its signal aborts", async () => {
    const { lock } = scratch();
    const release = await acquireLock(lock, { what: "platform up" });
    const controller = new AbortController();
    const seen: number[] = [];
    const waiting = acquireLock(lock, {
      what: "platform up",
      pollMs: 20,
      signal: controller.signal,
      onWait: (holder) => seen.push(holder.pid),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort(new Error("interrupted"));
    await expect(waiting).rejects.toThrow("interrupted");
    expect(seen).toEqual([process.pid]);
    expect(readLockHolder(lock)?.pid).toBe(process.pid);
    release();
    expect(existsSync(lock)).toBe(false);
  });
});
