import { sleep } from "../util/sleep.ts";
import type { ReleaseMessage } from "./message.ts";

/** Which of a message's updates a destination takes: what it can do with them. */
export type Takes =
  /** Every update (coalesced while one is on its way): a receiver that replaces by id and sequence. */
  | "every"
  /** The first and the last: a chat post that cannot be edited. */
  | "first-and-last"
  /** Only the last, with the outcome: a mail. */
  | "last";

export interface RetryPolicy {
  /** Tries per update, the first included. */
  readonly attempts: number;
  /** Wait before the second try; doubled before each further one. */
  readonly backoffMs: number;
  /** One try's time limit. */
  readonly timeoutMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 4, backoffMs: 500, timeoutMs: 5000 };

export interface CourierState {
  /** Updates delivered. */
  readonly sent: number;
  readonly attempts: number;
  readonly lastSequence?: number;
  readonly lastError?: string;
  /** The last update it was offered was delivered. */
  readonly delivered: boolean;
  /** It was offered anything at all. */
  readonly offered: boolean;
}

/**
 * Carries one destination's updates, one at a time and in order, in the background: a deploy
 * offers and never waits. An update is tried with backoff up to a bound; once one is given
 * up, the updates in between are skipped and only the last is tried again.
 */
export class Courier {
  private pending: { message: ReleaseMessage; final: boolean } | undefined;
  private running: Promise<void> | undefined;
  private firstTaken = false;
  private gaveUp = false;
  private state: CourierState = { sent: 0, attempts: 0, delivered: false, offered: false };

  constructor(
    private readonly send: (message: ReleaseMessage, timeoutMs: number) => Promise<void>,
    private readonly takes: Takes,
    private readonly scrub: (text: string) => string,
    private readonly stop: AbortSignal,
    private readonly retry: RetryPolicy = defaultRetry,
  ) {}

  offer(message: ReleaseMessage, final: boolean): void {
    if (!final && this.takes === "last") return;
    if (!final && this.takes === "first-and-last") {
      if (this.firstTaken) return;
      this.firstTaken = true;
    }
    this.state = { ...this.state, offered: true, delivered: false };
    this.pending = { message, final };
    this.kick();
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // Offered after the loop's last look but before it ended: not left behind.
      if (this.pending && !this.stop.aborted) this.kick();
    });
  }

  /** Resolves once nothing is left to send (or the stop signal ends the waiting). */
  async idle(): Promise<CourierState> {
    while (this.running && !this.stop.aborted) await this.running;
    return this.state;
  }

  get current(): CourierState {
    return this.state;
  }

  private async loop(): Promise<void> {
    while (this.pending && !this.stop.aborted) {
      const { message, final } = this.pending;
      this.pending = undefined;
      if (this.gaveUp && !final) continue;
      const delivered = await this.deliver(message);
      if (!delivered) this.gaveUp = true;
      if (this.pending === undefined) this.state = { ...this.state, delivered };
    }
  }

  private async deliver(message: ReleaseMessage): Promise<boolean> {
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (this.stop.aborted) return false;
      this.state = { ...this.state, attempts: this.state.attempts + 1 };
      try {
        await this.send(message, this.retry.timeoutMs);
        const { lastError: _gone, ...rest } = this.state;
        this.state = { ...rest, sent: this.state.sent + 1, lastSequence: message.sequence };
        return true;
      } catch (error) {
        this.state = { ...this.state, lastError: this.scrub(reason(error)) };
      }
      if (attempt < this.retry.attempts)
        await sleep(this.retry.backoffMs * 2 ** (attempt - 1), this.stop).catch(() => undefined);
    }
    return false;
  }
}

/** An error in a line: fetch's "fetch failed" says little, its cause says why. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  if (error.name === "TimeoutError") return "timed out";
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}
