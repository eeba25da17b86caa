import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { countsByKey, requestKey } from "./request-key.ts";

export interface TimedRun {
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory of the process, in bytes (GNU time's %M). */
  readonly maxRssBytes: number;
}

/** Children still running, killed if the bench exits under them. */
export const running = new Set<ChildProcess>();

/**
 * Runs a command to its end under GNU time, which reports the command's own peak memory; fails
 * with the tail of its stderr when it fails. Asynchronous, so a proxy in this process keeps serving.
 */
export function timedRun(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly keepStdout?: boolean } = {},
): Promise<TimedRun> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-bench-time-"));
  const rssFile = join(dir, "rss");
  return new Promise<TimedRun>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", rssFile, command, ...args], {
      env: options.env ?? process.env,
      stdio: ["ignore", options.keepStdout ? "pipe" : "ignore", "pipe"],
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      running.delete(child);
      const ms = performance.now() - t0;
      const rss = Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1)) * 1024;
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0)
        return reject(new Error(`${command} ${args.join(" ")} failed (${code}): ${stderr.slice(-2000)}`));
      resolve({ ms, stdout, stderr, maxRssBytes: rss });
    });
  });
}

/** The requests a client-go program logged at -v=6, by what they do. */
export function loggedRequests(stderr: string): { requests: number; byRequest: Record<string, number> } {
  const keys: string[] = [];
  const pattern =
    /"Response" verb="(\w+)" url="([^"]+)"|\b(GET|PATCH|POST|PUT|DELETE) (https:\/\/\S+) \d{3}/g;
  for (const m of stderr.matchAll(pattern)) {
    const url = new URL(m[2] ?? m[4]!);
    keys.push(requestKey(m[1] ?? m[3]!, url.pathname, url.searchParams));
  }
  return { requests: keys.length, byRequest: countsByKey(keys) };
}
