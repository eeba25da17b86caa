/**
 * Listening to a signal that lives as long as a command (Ctrl-C, a deploy's lost lock), for as
 * long as one piece of work runs on it: a request, a watch, a wait, a sleep. Node warns past ten
 * listeners on one signal ("MaxListenersExceededWarning: Possible EventTarget memory leak"), and
 * a plan has a dozen requests in flight at once. So a signal carries one listener of ours,
 * however many pieces of work listen through it, and each one's callback goes when it ends.
 */

const callbacks = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/**
 * Calls `listener` with the signal's reason when it aborts (at once when it has); returns the
 * function that stops listening, to call when the work ends, however it ends.
 */
export function onAbort(signal: AbortSignal, listener: (reason: unknown) => void): () => void {
  if (signal.aborted) {
    listener(signal.reason);
    return () => undefined;
  }
  let listening = callbacks.get(signal);
  if (!listening) {
    const set = new Set<(reason: unknown) => void>();
    callbacks.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        const all = [...set];
        set.clear();
        for (const callback of all) callback(signal.reason);
      },
      { once: true },
    );
    listening = set;
  }
  const own = (reason: unknown): void => listener(reason);
  listening.add(own);
  const set = listening;
  return () => void set.delete(own);
}

/**
 * A signal of its own for one piece of work that hands its signal to Node (a request): aborted
 * with `signal`, and let go of by `release` when the work ends.
 */
export function signalFor(signal: AbortSignal): {
  readonly signal: AbortSignal;
  readonly release: () => void;
} {
  const controller = new AbortController();
  const release = onAbort(signal, (reason) => controller.abort(reason));
  return { signal: controller.signal, release };
}
