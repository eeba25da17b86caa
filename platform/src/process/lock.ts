import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { sleep } from "./wait.ts";

/** Who holds a lock file: written whole before the file appears, so a reader never sees half of it. */
export interface LockHolder {
  readonly pid: number;
  /** The holder's start time (field 22 of /proc/PID/stat): a PID the kernel reused has another. */
  readonly startTime: string;
  /** What it is doing, e.g. "platform up": said to whoever waits. */
  readonly what: string;
  readonly since: string;
  /** Tells this holding apart from a later one by the same process. */
  readonly token: string;
}

export interface LockOptions {
  /** What the holder is doing, recorded for whoever waits. */
  readonly what: string;
  /** Called once per holder this call waits for. */
  readonly onWait?: (holder: LockHolder) => void;
  readonly pollMs?: number;
  /** Stops the wait (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Releases a lock taken by `acquireLock`; idempotent. */
export type Release = () => void;

/**
 * Takes the lock file at `path`, waiting while a live process holds it. The file is created
 * atomically (link(2) of a complete temporary file, which fails if the lock exists); a lock whose
 * holder has died (its PID is gone, or now belongs to a process started later) is stale and taken over.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<Release> {
  mkdirSync(dirname(path), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? "",
    what: options.what,
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const content = JSON.stringify(me) + "\n";
  let toldAbout: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    if (tryCreate(path, content)) return holding(path, me.token);
    const raw = readOrUndefined(path);
    if (raw === undefined) continue; // released between our two looks: try again at once
    const holder = parseHolder(raw);
    if (!holder || !isHolderAlive(holder)) {
      breakStale(path, raw);
      continue;
    }
    if (toldAbout !== holder.token) {
      toldAbout = holder.token;
      options.onWait?.(holder);
    }
    await sleep(options.pollMs ?? 200, options.signal);
  }
}

/** The holder recorded in a lock file, if there is one. */
export function readLockHolder(path: string): LockHolder | undefined {
  const raw = readOrUndefined(path);
  return raw === undefined ? undefined : parseHolder(raw);
}

/** Whether the process that wrote `holder` still runs (a zombie does not count). */
export function isHolderAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${holder.pid}/stat`, "utf8");
  } catch {
    return true; // no /proc to tell a reused PID by: alive is the safe answer
  }
  const fields = statFields(stat);
  if (fields[0] === "Z") return false;
  return holder.startTime === "" || fields[19] === holder.startTime;
}

function holding(path: string, token: string): Release {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    // Only our own holding: a lock someone took over from us is theirs now.
    if (readLockHolder(path)?.token === token) rmSync(path, { force: true });
  };
  process.once("exit", release);
  return release;
}

function tryCreate(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temporary, content, { mode: 0o644 });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Removes a stale lock whose content was `raw`. It is moved aside first (rename is atomic), then
 * checked: if another waiter took the lock over in the meantime, what was moved is its fresh lock,
 * and that is put back.
 */
function breakStale(path: string, raw: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // someone else removed it
    throw error;
  }
  try {
    if (readOrUndefined(aside) !== raw) {
      try {
        linkSync(aside, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.token !== "string") return undefined;
    return {
      pid: value.pid,
      startTime: typeof value.startTime === "string" ? value.startTime : "",
      what: typeof value.what === "string" ? value.what : "another process",
      since: typeof value.since === "string" ? value.since : "",
      token: value.token,
    };
  } catch {
    return undefined;
  }
}

/** The fields of /proc/PID/stat after the command name (which may hold spaces): state first. */
function statFields(stat: string): string[] {
  return stat
    .slice(stat.lastIndexOf(")") + 2)
    .trim()
    .split(" ");
}

function processStartTime(pid: number): string | undefined {
  try {
    return statFields(readFileSync(`/proc/${pid}/stat`, "utf8"))[19];
  } catch {
    return undefined;
  }
}
