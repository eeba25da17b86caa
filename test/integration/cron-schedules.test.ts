// Slipway's cron check says what the API server says: every schedule (and time zone) below is
// sent to the real API server as a server-side dry-run create of a CronJob, and Slipway's verdict
// must be the same, so a schedule that validates is one Kubernetes takes, and the other way round.
import { describe, expect, it } from "vitest";
import { scheduleProblem, timeZoneProblem } from "../../src/definitions/cron-schedule.ts";
import { kube } from "../support/platform.ts";

const schedules = [
  // Five fields, names, lists, ranges and steps.
  "0 3 * * *",
  "*/5 * * * *",
  "5/15 * * * *",
  "0,5,10 * * * *",
  "1-5,7 * * * *",
  "0 3 * * MON-FRI",
  "0 3 * * mon",
  "0 3 * * sun-sat",
  "0 3 * * 1,SAT",
  "0 3 1 JAN *",
  "0 3 * jan,Feb *",
  "0 3 * JAN-DEC/2 *",
  "0 3 1-31/2 * *",
  "0 3 * * 1-5/2",
  "0 3 * * 0-6",
  "0 3 ? * *",
  "* * * * ?",
  "*/60 * * * *",
  "* * * * */7",
  "0 3 31 2 *",
  "01 * * * *",
  " 0 3 * * * ",
  "0  3 * * *",
  // The macros.
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
  "@every 1h",
  "@every 90s",
  "@every 1h30m",
  "@every 1.5h",
  // What the review found passing, and its neighbours.
  "0 0 1 * * *",
  "99 1 * * *",
  "at 3 every day please",
  "60 * * * *",
  "0 24 * * *",
  "0 3 0 * *",
  "0 3 * 0 *",
  "0 3 * * 7",
  "0 3 * * 5-7",
  "0 3 * * MON-7",
  "0 3 * * Sunday",
  "0 3 L * *",
  "0 3 15W * *",
  "0 3 * * 1#2",
  "0 3 * * 5L",
  "0-59/0 * * * *",
  "1/0 * * * *",
  "5-1 * * * *",
  "-1 * * * *",
  "1.0 * * * *",
  "0x1 * * * *",
  "@DAILY",
  "@reboot",
  "@every 1x",
  "@EVERY 1h",
  "CRON_TZ=Europe/Oslo 0 3 * * *",
  "TZ=UTC 0 3 * * *",
  "",
  "0 3 * *",
];

const timeZones = [
  "Europe/Oslo",
  "UTC",
  "EST5EDT",
  "Etc/GMT+1",
  "America/New_York",
  "europe/oslo",
  "Local",
  "Nowhere/Land",
];

/** The API server's verdict on a CronJob with this schedule and time zone: undefined, or its message. */
async function apiServer(schedule: string, timeZone?: string): Promise<string | undefined> {
  try {
    await kube.batch().createNamespacedCronJob({
      namespace: "default",
      dryRun: "All",
      body: {
        metadata: { name: "schedule-probe" },
        spec: {
          schedule,
          ...(timeZone ? { timeZone } : {}),
          jobTemplate: {
            spec: {
              template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "c" }] } },
            },
          },
        },
      },
    });
    return undefined;
  } catch (error) {
    const body = (error as { body?: string }).body ?? String(error);
    return (JSON.parse(body) as { message?: string }).message ?? body;
  }
}

describe("cron schedules: Slipway and the API server agree", () => {
  it.each(schedules)("%j", async (schedule) => {
    const server = await apiServer(schedule);
    const slipway = scheduleProblem(schedule);
    expect({ takes: slipway === undefined, said: slipway }).toEqual({
      takes: server === undefined,
      said: server === undefined ? undefined : expect.any(String),
    });
  });

  it.each(timeZones)("time zone %j", async (timeZone) => {
    const server = await apiServer("0 3 * * *", timeZone);
    const slipway = timeZoneProblem(timeZone);
    expect({ takes: slipway === undefined, said: slipway }).toEqual({
      takes: server === undefined,
      said: server === undefined ? undefined : expect.any(String),
    });
  });
});
