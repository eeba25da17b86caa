/** Sleeps, waking early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

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
