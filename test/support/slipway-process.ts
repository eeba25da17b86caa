import { spawn, type ChildProcess } from "node:child_process";
import { platform } from "./platform.ts";
import { slipwayBin } from "./slipway-bin.ts";

/** The slipway binary running as its own process, as a user or a CI job starts it. */
export interface RunningSlipway {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Its exit code (-1 when killed by a signal). */
  readonly exited: Promise<number>;
  /** Resolves once stderr shows `pattern`; rejects if the process exits first. */
  until(pattern: RegExp): Promise<void>;
}

export function startSlipway(config: string, ...args: string[]): RunningSlipway {
  const child = spawn(
    process.execPath,
    [slipwayBin, ...args, "-c", config, "--kubeconfig", platform.kubeconfig],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiting.filter((w) => w.pattern.test(stderr))) w.resolve();
  });
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    until: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiting.push({ pattern, resolve });
            void exited.then(() => reject(new Error(`exited before ${String(pattern)}:\n${stderr}`)));
          }),
  };
}
