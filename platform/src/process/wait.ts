import { sleep } from "../../../src/util/sleep.ts";

export { sleep };

export type Probe = () => Promise<boolean>;

/**
 * Polls a health probe until it answers true, the deadline passes (false) or
 * `stillAlive` says the process died (false at once). Health endpoints offer no
 * watch, so a short poll is the honest way here.
 */
export async function waitUntil(
  probe: Probe,
  options: { timeoutMs: number; intervalMs?: number; stillAlive?: () => boolean; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (options.stillAlive && !options.stillAlive()) return false;
    if (Date.now() > deadline) return false;
    await sleep(options.intervalMs ?? 250, options.signal);
  }
}
