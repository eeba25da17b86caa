import { Cron } from "croner";
import { timeZoneProblem as cronJobTimeZoneProblem } from "./cron-schedule.ts";
import type { z } from "zod";

/**
 * A deploy window's times as written: a cron start with a duration, or one stretch of dates,
 * read in an IANA time zone. croner reads the cron and the zone (its DST rules included); this
 * module only says what is wrong with them and turns them into instants.
 */
export interface WindowTimes {
  readonly cron?: string | undefined;
  readonly duration?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly timeZone: string;
}

const durationPattern = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** "64h", "1h30m", "2d" → milliseconds; undefined when it is not such a duration (or zero). */
export function windowDuration(text: string): number | undefined {
  const m = durationPattern.exec(text.trim());
  if (!m || !text.trim()) return undefined;
  const [, d = "0", h = "0", min = "0"] = m;
  const ms = ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000;
  return ms > 0 ? ms : undefined;
}

/** A date (the whole day) or a date and time, as a wall clock reads it where the window is. */
const localPattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The instant a wall-clock time in a time zone names. A time the clocks skip (spring forward) is
 * the moment after the gap; a time they pass twice (fall back) is its first passing. A date
 * alone is its midnight, or with `endOfDay` the midnight after it: `to: "2027-01-15"` includes
 * the 15th.
 */
export function localInstant(text: string, timeZone: string, endOfDay = false): number | undefined {
  const m = localPattern.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, min, s] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  // Date.UTC rolls 2027-02-30 over to March: a date that does not exist is refused.
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  if (Number(h ?? 0) > 23 || Number(min ?? 0) > 59 || Number(s ?? 0) > 59) return undefined;
  if (h === undefined && endOfDay) day.setUTCDate(day.getUTCDate() + 1);
  const wall = `${day.toISOString().slice(0, 10)}T${h ?? "00"}:${min ?? "00"}:${s ?? "00"}`;
  try {
    return new Cron(wall, { timezone: timeZone, paused: true }).getOnce()?.getTime();
  } catch {
    return undefined;
  }
}

/** What is wrong with a window's time zone name (the same check as a CronJob's). */
export const timeZoneProblem = (timeZone: string): string | undefined =>
  cronJobTimeZoneProblem(timeZone, "Europe/Copenhagen");

/** A window's cron as croner reads it: five fields, in its time zone. */
export const windowCron = (cron: string, timeZone: string): Cron =>
  new Cron(cron, { timezone: timeZone, mode: "5-part", paused: true });

/** What is wrong with a cron start; undefined when croner reads it as five fields. */
export function cronProblem(cron: string): string | undefined {
  try {
    windowCron(cron, "UTC");
    return undefined;
  } catch (error) {
    const why = (error as Error).message.replace(/^CronPattern: /, "").replace(/\.$/, "");
    return `is not a cron start (${why}): expected five fields (minute hour day-of-month month day-of-week) such as "0 16 * * 5"`;
  }
}

/** The schema's check of a window's times: each problem at the field it is about. */
export function windowTimesIssues(times: WindowTimes, ctx: z.RefinementCtx): void {
  const issue = (path: keyof WindowTimes | undefined, message: string): void =>
    ctx.addIssue({ code: "custom", message, ...(path ? { path: [path] } : {}) });
  const zone = timeZoneProblem(times.timeZone);
  if (zone) issue("timeZone", zone);
  const cron = times.cron !== undefined || times.duration !== undefined;
  const dates = times.from !== undefined || times.to !== undefined;
  if (cron === dates) {
    issue(
      undefined,
      cron
        ? "has both a cron start and dates: a window repeats (cron and duration) or happens once (from and to), make it two windows"
        : 'needs cron and duration (a repeating window: { cron: "0 16 * * 5", duration: "64h" }) or from and to (dates: { from: "2027-01-11", to: "2027-01-15" })',
    );
    return;
  }
  if (cron) {
    if (times.cron === undefined)
      issue("cron", 'is required with a duration: when the window starts, such as "0 16 * * 5"');
    else {
      const problem = cronProblem(times.cron);
      if (problem) issue("cron", problem);
    }
    if (times.duration === undefined)
      issue("duration", 'is required with a cron start: how long the window lasts, such as "64h"');
    else if (windowDuration(times.duration) === undefined)
      issue("duration", 'expected a duration of days, hours and minutes such as "64h", "1h30m" or "2d"');
    return;
  }
  const instants: Partial<Record<"from" | "to", number>> = {};
  for (const key of ["from", "to"] as const) {
    const text = times[key];
    if (text === undefined) {
      issue(
        key,
        `is required with ${key === "from" ? "to" : "from"}: a date such as "2027-01-11" or a time such as "2027-01-11T08:00"`,
      );
      continue;
    }
    const at = zone ? undefined : localInstant(text, times.timeZone, key === "to");
    if (at === undefined && !zone)
      issue(
        key,
        `expected a date such as "2027-01-11" or a time such as "2027-01-11T08:00", read in the window's timeZone (no offset)`,
      );
    if (at !== undefined) instants[key] = at;
  }
  if (instants.from !== undefined && instants.to !== undefined && instants.to <= instants.from)
    issue("to", `is not after from (${times.from}): a window must end after it starts`);
}
