import { CronPattern } from "croner";

/**
 * A CronJob's schedule and time zone as the API server takes them on create. Kubernetes parses a
 * schedule with robfig/cron's standard parser: five fields (minute hour day-of-month month
 * day-of-week, with names such as MON and JAN), the lower-case macros and `@every <duration>`.
 * croner parses the fields; what it takes beyond that parser (L, W, #, 7 for Sunday) is refused
 * here, and test/integration/cron-schedules.test.ts holds both to the API server's own verdicts.
 */

const macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
/** A Go duration (time.ParseDuration), as `@every 90m` takes it. */
const goDuration = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const expected =
  'expected five fields (minute hour day-of-month month day-of-week) such as "0 3 * * *", or a macro such as "@daily"';

/** What is wrong with a schedule, said as a definition problem; undefined when Kubernetes takes it. */
export function scheduleProblem(schedule: string): string | undefined {
  const refused = (reason: string): string => `is not a schedule Kubernetes takes (${reason}): ${expected}`;
  if (/(^|\s)(CRON_)?TZ=/.test(schedule))
    return 'has a time zone, which the API server refuses in the schedule of a new CronJob: give it in timeZone instead (timeZone: "Europe/Oslo")';
  if (schedule.startsWith("@")) {
    const every = /^@every (.*)$/.exec(schedule);
    if (every)
      return goDuration.test(every[1] ?? "")
        ? undefined
        : refused("@every takes a duration such as 90m or 1h30m");
    return macros.includes(schedule)
      ? undefined
      : refused(`the macros are ${macros.join(", ")} and @every <duration>, in lower case`);
  }
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    return refused(
      `${fields.length} field${fields.length === 1 ? "" : "s"}${fields.length === 6 ? ": it has no seconds field" : ""}`,
    );
  let pattern: CronPattern;
  try {
    // Sloppy ranges: "5/15" is "from 5, every 15", as Kubernetes reads it.
    pattern = new CronPattern(schedule, undefined, { mode: "5-part", sloppyRanges: true });
  } catch (error) {
    return refused(cronerReason((error as Error).message));
  }
  if (
    pattern.lastDayOfMonth ||
    pattern.lastWeekday ||
    pattern.nearestWeekdays.some(Boolean) ||
    pattern.dayOfWeek.some((bits) => bits !== 0 && bits !== allOccurrences)
  )
    return refused(
      "L, W and # are not cron as Kubernetes reads it: it has no last day, nearest weekday or nth weekday",
    );
  const dayOfWeek = fields[4] ?? "";
  const numbers = dayOfWeek.split(",").flatMap((item) => (item.split("/")[0] ?? "").split("-"));
  if (numbers.some((n) => /^\d+$/.test(n) && Number(n) > 6))
    return refused("a day of week is 0 (Sunday) to 6 (Saturday), or SUN to SAT; Kubernetes takes no 7");
  return undefined;
}

/** croner marks a plain weekday with every occurrence in the month (bits 1-5 and "last"). */
const allOccurrences = 0b111111;

/**
 * What is wrong with a time zone (a CronJob's, a deploy window's); undefined when it names one.
 * The API server loads it from its time zone database (Go's, case-sensitive); Node's ICU has the
 * same IANA names.
 */
export function timeZoneProblem(timeZone: string, example = "Europe/Oslo"): string | undefined {
  const expected = `expected an IANA time zone such as "${example}" or "UTC"`;
  if (timeZone.toLowerCase() === "local") return `${expected} ("Local" is the controller's own, not a zone)`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return expected;
  }
  // ICU reads "europe/oslo" as Europe/Oslo; the API server's database does not.
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase())
    return `${expected}, spelled as the time zone database spells it ("${resolved}")`;
  return undefined;
}

/** croner's message in the schedule's own terms: it counts a seconds field first, as entry 0. */
const cronerReason = (message: string): string => {
  const names = ["second", "minute", "hour", "day-of-month", "month", "day-of-week"];
  const text = message
    .replace(/^CronPattern: /, "")
    .replace(/\.$/, "")
    .replace(
      /configuration entry (\d) \((.*?)\) contains illegal characters/,
      (_all, i: string, field: string) =>
        `the ${names[Number(i)] ?? "field"} field "${field}" is not a number, name, list, range or step`,
    );
  return text.charAt(0).toLowerCase() + text.slice(1);
};
