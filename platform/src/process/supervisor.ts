import { spawn } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { sleep } from "./wait.ts";

/** What we remember about a process we started, so `down` stops exactly it and nothing else. */
export interface ProcessRecord {
  readonly pid: number;
  readonly executable: string;
  /** Text the process's command line must contain for a live PID to still be ours. */
  readonly marker: string;
  readonly startedAt: string;
}

export interface StartOptions {
  readonly executable: string;
  readonly args: readonly string[];
  readonly logPath: string;
  readonly pidPath: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  /** Defaults to the executable; set it when the executable replaces itself (exec). */
  readonly marker?: string;
}

/** How a process we started ended, when it ended while we watched. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartedProcess extends ProcessRecord {
  /** Set once the process has exited (we are its parent, so we are told). */
  readonly exit: { status?: ExitStatus };
}

/**
 * Starts a long-running server in its own process group, detached from us, output to its log.
 * Throws (and starts nothing) when the executable is missing or cannot be run.
 */
export function startProcess(options: StartOptions): StartedProcess {
  try {
    if (options.executable.includes("/")) accessSync(options.executable, constants.X_OK);
  } catch {
    throw new Error(`${options.executable} is missing or not executable`);
  }
  mkdirSync(dirname(options.logPath), { recursive: true });
  mkdirSync(dirname(options.pidPath), { recursive: true });
  const log = openSync(options.logPath, "a");
  try {
    const child = spawn(options.executable, [...options.args], {
      detached: true,
      stdio: ["ignore", log, log],
      env: options.env ?? process.env,
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
    });
    // A spawn that fails is also told as an 'error' event, which would otherwise crash us
    // (with a stack trace, leaving every part started so far running).
    const exit: { status?: ExitStatus } = {};
    child.once("error", () => (exit.status ??= { code: null, signal: null }));
    if (child.pid === undefined) throw new Error(`could not start ${options.executable}`);
    child.unref();
    child.once("exit", (code, signal) => (exit.status = { code, signal }));
    const record: StartedProcess = {
      pid: child.pid,
      executable: options.executable,
      marker: options.marker ?? options.executable,
      startedAt: new Date().toISOString(),
      exit,
    };
    const { exit: _exit, ...persisted } = record;
    writeFileSync(options.pidPath, JSON.stringify(persisted, null, 2) + "\n");
    return record;
  } finally {
    closeSync(log);
  }
}

export function readRecord(pidPath: string): ProcessRecord | undefined {
  try {
    return JSON.parse(readFileSync(pidPath, "utf8")) as ProcessRecord;
  } catch {
    return undefined;
  }
}

/**
 * Whether the recorded process still runs. A PID can be reused by the kernel, so a
 * live PID only counts when it still runs the executable we started.
 */
export function isAlive(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, "utf8");
    if (/\) Z /.test(stat)) return false; // a zombie waiting for its parent is gone for our purposes
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, "utf8");
    return cmdline.includes(record.marker);
  } catch {
    return false;
  }
}

/** Stops a recorded process group: SIGTERM, then SIGKILL after the grace period. */
export async function stopProcess(pidPath: string, graceMs = 15_000): Promise<"stopped" | "not-running"> {
  const record = readRecord(pidPath);
  if (!record || !isAlive(record)) {
    rmSync(pidPath, { force: true });
    return "not-running";
  }
  signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(record.pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(record.pid)) {
    signalGroup(record.pid, "SIGKILL");
    while (groupAlive(record.pid)) await sleep(50);
  }
  rmSync(pidPath, { force: true });
  return "stopped";
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Any process left in the group (a server's children included)? */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
