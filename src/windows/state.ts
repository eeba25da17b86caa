import { localInstant, windowCron, windowDuration } from "../definitions/deploy-window.ts";
import type { DeployWindow } from "../definitions/schema/windows.ts";

/**
 * Whether an environment is frozen at an instant, and when that changes: pure functions of its
 * windows and a clock. Deny wins: any deny window in force freezes it; where allow windows are
 * declared, being outside all of them freezes it too.
 */

/** One window as messages name it: its place in the list, kind, reason and times. */
export interface WindowRef {
  /** Its index in the environment's windows (the project's first). */
  readonly index: number;
  readonly kind: "allow" | "deny";
  readonly reason: string;
  /** Its times in words: `cron "0 16 * * 5" for 64h` or `2027-01-11 to 2027-01-15`. */
  readonly times: string;
  readonly timeZone: string;
}

/** One occurrence of a window: from its start up to (not including) its end. */
export interface Occurrence {
  readonly window: WindowRef;
  readonly start: number;
  readonly end: number;
}

export interface WindowState {
  readonly at: number;
  readonly frozen: boolean;
  /** Deny windows in force at that instant. */
  readonly deny: readonly Occurrence[];
  /** Allow windows open at that instant. */
  readonly allow: readonly Occurrence[];
  /** Frozen by being outside every allow window: those windows (empty otherwise). */
  readonly outsideAllow: readonly WindowRef[];
}

interface Compiled {
  readonly ref: WindowRef;
  /** The occurrence in force at t, if any. */
  occurrenceAt(t: number): Occurrence | undefined;
  /** The first start or end strictly after t. */
  nextBoundary(t: number): number | undefined;
}

function compile(window: DeployWindow, index: number): Compiled {
  const kind = window.allow ? "allow" : "deny";
  const times = window.allow ?? window.deny;
  if (!times) throw new Error(`internal: window ${index} has neither allow nor deny`);
  const { timeZone } = times;
  if (times.cron !== undefined && times.duration !== undefined) {
    const cron = windowCron(times.cron, timeZone);
    const duration = windowDuration(times.duration) ?? 0;
    const ref = {
      index,
      kind,
      reason: window.reason,
      times: `cron "${times.cron}" for ${times.duration}`,
      timeZone,
    } as const;
    return {
      ref,
      occurrenceAt(t) {
        // The latest start at or before t: a later one than any other covering t ends last.
        const start = cron.previousRuns(1, new Date(t + 1))[0]?.getTime();
        return start !== undefined && t < start + duration
          ? { window: ref, start, end: start + duration }
          : undefined;
      },
      nextBoundary(t) {
        const start = cron.nextRun(new Date(t))?.getTime();
        // The first occurrence to end after t is the first to start after t - duration.
        const earliest = cron.nextRun(new Date(t - duration))?.getTime();
        const end = earliest === undefined ? undefined : earliest + duration;
        return [start, end].filter((x): x is number => x !== undefined && x > t).sort((a, b) => a - b)[0];
      },
    };
  }
  const start = localInstant(times.from ?? "", timeZone);
  const end = localInstant(times.to ?? "", timeZone, true);
  if (start === undefined || end === undefined)
    throw new Error(`internal: window ${index} has unreadable dates`);
  const ref = {
    index,
    kind,
    reason: window.reason,
    times: `${times.from} to ${times.to}`,
    timeZone,
  } as const;
  return {
    ref,
    occurrenceAt: (t) => (start <= t && t < end ? { window: ref, start, end } : undefined),
    nextBoundary: (t) => [start, end].find((x) => x > t),
  };
}

/** The environment's windows, checked once and read at any instant. */
export class Windows {
  private readonly compiled: readonly Compiled[];

  constructor(windows: readonly DeployWindow[] = []) {
    this.compiled = windows.map(compile);
  }

  get refs(): readonly WindowRef[] {
    return this.compiled.map((c) => c.ref);
  }

  get any(): boolean {
    return this.compiled.length > 0;
  }

  stateAt(at: number): WindowState {
    const active = this.compiled.flatMap((c) => {
      const o = c.occurrenceAt(at);
      return o ? [o] : [];
    });
    const deny = active.filter((o) => o.window.kind === "deny");
    const allow = active.filter((o) => o.window.kind === "allow");
    const allows = this.compiled.filter((c) => c.ref.kind === "allow").map((c) => c.ref);
    const outsideAllow = allows.length && !allow.length ? allows : [];
    return { at, frozen: deny.length > 0 || outsideAllow.length > 0, deny, allow, outsideAllow };
  }

  /**
   * The next changes between frozen and open after `from`, at most `limit`, looking no further
   * than `horizonMs` (a window whose every instant is covered by another never changes state).
   */
  changes(from: number, limit = 4, horizonMs = 400 * 86_400_000): WindowState[] {
    const found: WindowState[] = [];
    let frozen = this.stateAt(from).frozen;
    let cursor = from;
    // Each step moves to the next start or end of any window: bounded for minute-by-minute crons.
    for (let step = 0; step < 20_000 && found.length < limit; step++) {
      const next = this.compiled
        .map((c) => c.nextBoundary(cursor))
        .filter((x): x is number => x !== undefined)
        .sort((a, b) => a - b)[0];
      if (next === undefined || next > from + horizonMs) break;
      const state = this.stateAt(next);
      if (state.frozen !== frozen) found.push(state);
      frozen = state.frozen;
      cursor = next;
    }
    return found;
  }

  /** When the environment is next open after `from` (undefined: not within the horizon). */
  nextOpen(from: number): number | undefined {
    return this.changes(from, 2).find((s) => !s.frozen)?.at;
  }
}
