import { spawn, type ChildProcess } from "node:child_process";
import { platform } from "./platform.ts";
import { slipwayBin } from "./slipway-bin.ts";

/** Which output `until` watches: stderr (the progress lines), stdout, or both as they arrive. */
export type OutputStream = "stderr" | "stdout" | "both";

/** What `until` waits for: a pattern, or a test of everything the stream has shown so far. */
export type OutputMatch = RegExp | ((shown: string) => boolean);

/** The slipway binary running as its own process, as a user or a CI job starts it. */
export interface RunningSlipway {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** stdout and stderr interleaved in the order they arrived. */
  readonly output: () => string;
  /** Its exit code (-1 when killed by a signal). */
  readonly exited: Promise<number>;
  /**
   * Resolves once `stream` (stderr unless said) shows `match`; rejects if the process exits
   * first. It resolves in the tick the output arrives, so a `child.kill` right after the await
   * stops the process at that line (how the tests kill a deploy at a chosen point).
   */
  until(match: OutputMatch, stream?: OutputStream): Promise<void>;
}

export function startSlipway(config: string, ...args: string[]): RunningSlipway {
  const child = spawn(
    process.execPath,
    [slipwayBin, ...args, "-c", config, "--kubeconfig", platform.kubeconfig],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const shown: Record<OutputStream, string> = { stdout: "", stderr: "", both: "" };
  let waiting: { test: (shown: string) => boolean; stream: OutputStream; resolve: () => void }[] = [];
  const take = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    shown[stream] += chunk.toString();
    shown.both += chunk.toString();
    const met = waiting.filter(
      (w) => (w.stream === stream || w.stream === "both") && w.test(shown[w.stream]),
    );
    waiting = waiting.filter((w) => !met.includes(w));
    for (const w of met) w.resolve();
  };
  child.stdout?.on("data", take("stdout"));
  child.stderr?.on("data", take("stderr"));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return {
    child,
    stdout: () => shown.stdout,
    stderr: () => shown.stderr,
    output: () => shown.both,
    exited,
    until: (match, stream = "stderr") => {
      const test = typeof match === "function" ? match : (s: string) => match.test(s);
      return test(shown[stream])
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiting.push({ test, stream, resolve });
            void exited.then(() =>
              reject(new Error(`exited before ${String(match)} on ${stream}:\n${shown.stderr}`)),
            );
          });
    },
  };
}
