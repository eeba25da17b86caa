// Deploy windows read at fixed instants: cron starts keep their wall-clock time across a DST
// change while a duration counts elapsed hours; one-off dates are whole local days, however long
// the day is; deny wins over allow. No clock is read: every instant is given.
import { describe, expect, it } from "vitest";
import { localInstant } from "../../src/definitions/deploy-window.ts";
import { environmentSchema } from "../../src/definitions/schema/environment.ts";
import type { DeployWindow } from "../../src/definitions/schema/windows.ts";
import { problemsFromIssues } from "../../src/definitions/zod-problems.ts";
import { checkWindows } from "../../src/checks/gate/window.ts";
import type { EnvironmentModel } from "../../src/definitions/model.ts";
import { Windows } from "../../src/windows/state.ts";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

const weekend: DeployWindow = {
  deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" },
  reason: "weekend",
};

describe("a weekly deny window across the autumn DST change (Europe/Copenhagen, 25 October 2026)", () => {
  const windows = new Windows([weekend]);

  it("starts at 16:00 local time on both sides of the change, and lasts 64 elapsed hours", () => {
    // Friday 23 October, 16:00 CEST = 14:00Z; the clocks go back on Sunday, so 64 hours later is
    // Monday 07:00 CET (06:00Z), not 08:00.
    expect(windows.stateAt(at("2026-10-23T13:59:59Z")).frozen).toBe(false);
    expect(windows.stateAt(at("2026-10-23T14:00:00Z")).frozen).toBe(true);
    expect(windows.stateAt(at("2026-10-26T05:59:59Z")).frozen).toBe(true);
    expect(windows.stateAt(at("2026-10-26T06:00:00Z")).frozen).toBe(false);
    // The next Friday, 16:00 is CET: 15:00Z.
    expect(windows.stateAt(at("2026-10-30T14:30:00Z")).frozen).toBe(false);
    expect(windows.stateAt(at("2026-10-30T15:00:00Z")).frozen).toBe(true);
  });

  it("lists the next changes of state, and the next allowed time from inside the freeze", () => {
    const changes = windows.changes(at("2026-10-22T12:00:00Z"), 4);
    expect(changes.map((c) => [iso(c.at), c.frozen])).toEqual([
      ["2026-10-23T14:00:00.000Z", true],
      ["2026-10-26T06:00:00.000Z", false],
      ["2026-10-30T15:00:00.000Z", true],
      ["2026-11-02T07:00:00.000Z", false],
    ]);
    const inside = windows.stateAt(at("2026-10-24T10:00:00Z"));
    expect(inside.deny.map((o) => [o.window.reason, iso(o.start), iso(o.end)])).toEqual([
      ["weekend", "2026-10-23T14:00:00.000Z", "2026-10-26T06:00:00.000Z"],
    ]);
    expect(iso(windows.nextOpen(at("2026-10-24T10:00:00Z")) ?? 0)).toBe("2026-10-26T06:00:00.000Z");
  });
});

describe("one-off dates", () => {
  it("take a whole local day, 25 hours long on the day New York's clocks go back (1 November 2026)", () => {
    const windows = new Windows([
      {
        deny: { from: "2026-11-01", to: "2026-11-01", timeZone: "America/New_York" },
        reason: "migration day",
      },
    ]);
    // Midnight EDT (04:00Z) to the next midnight, EST (05:00Z the next day).
    expect(windows.stateAt(at("2026-11-01T03:59:59Z")).frozen).toBe(false);
    expect(windows.stateAt(at("2026-11-01T04:00:00Z")).frozen).toBe(true);
    expect(windows.stateAt(at("2026-11-02T04:30:00Z")).frozen).toBe(true); // 23:30 EST on the 1st
    expect(windows.stateAt(at("2026-11-02T05:00:00Z")).frozen).toBe(false);
  });

  it("read a time the spring change skips as if the clocks had not yet moved, and a repeated time at its first passing", () => {
    // Copenhagen skips 02:00-03:00 on 29 March 2026: 02:30 is read as 03:30 CEST.
    expect(iso(localInstant("2026-03-29T02:30", "Europe/Copenhagen") ?? 0)).toBe("2026-03-29T01:30:00.000Z");
    // It passes 02:00-03:00 twice on 25 October 2026: 02:30 is the first, CEST.
    expect(iso(localInstant("2026-10-25T02:30", "Europe/Copenhagen") ?? 0)).toBe("2026-10-25T00:30:00.000Z");
    expect(localInstant("2027-02-30", "UTC")).toBeUndefined();
  });

  it("ends a time range at the time given, not at the end of its day", () => {
    const windows = new Windows([
      {
        deny: { from: "2026-12-24T12:00", to: "2026-12-24T18:00", timeZone: "Asia/Tokyo" },
        reason: "release party",
      },
    ]);
    expect(windows.stateAt(at("2026-12-24T08:59:59Z")).frozen).toBe(true);
    expect(windows.stateAt(at("2026-12-24T09:00:00Z")).frozen).toBe(false);
  });
});

describe("allow and deny together", () => {
  const windows = new Windows([
    { allow: { cron: "0 8 * * 1-5", duration: "9h", timeZone: "Europe/Copenhagen" }, reason: "office hours" },
    { deny: { from: "2027-01-11", to: "2027-01-15", timeZone: "Europe/Copenhagen" }, reason: "exam week" },
  ]);

  it("is frozen outside every allow window, and inside a deny window even within office hours", () => {
    const monday = windows.stateAt(at("2027-01-04T10:00:00Z")); // 11:00 CET, office hours
    expect(monday.frozen).toBe(false);
    const night = windows.stateAt(at("2027-01-04T20:00:00Z"));
    expect([night.frozen, night.outsideAllow.map((w) => w.reason)]).toEqual([true, ["office hours"]]);
    const exams = windows.stateAt(at("2027-01-12T10:00:00Z")); // office hours, exam week
    expect([exams.frozen, exams.deny.map((o) => o.window.reason), exams.allow.length]).toEqual([
      true,
      ["exam week"],
      1,
    ]);
    // Exam week ends at Friday's end; the next office hours are Monday 08:00 CET.
    expect(iso(windows.nextOpen(at("2027-01-12T10:00:00Z")) ?? 0)).toBe("2027-01-18T07:00:00.000Z");
  });
});

describe("the check a plan runs", () => {
  const env = {
    name: "prod",
    windows: [weekend],
    breakGlass: { groups: ["platform-oncall"] },
  } as unknown as EnvironmentModel;
  const saturday = at("2026-10-24T10:00:00Z");

  it("refuses in a freeze, naming the window, its reason, the next allowed time and the way out", () => {
    const verdict = checkWindows(env, saturday, "slipway deploy -e prod");
    expect(verdict?.check.outcome).toBe("failed");
    expect(verdict?.check.summary).toBe(
      'prod is frozen: deny window "weekend" (cron "0 16 * * 5" for 64h, Europe/Copenhagen; this one Fri 2026-10-23 16:00 CEST to Mon 2026-10-26 07:00 CET)',
    );
    expect(verdict?.check.problems).toEqual([
      "next allowed time: Mon 2026-10-26 07:00 CET (2026-10-26T06:00:00.000Z)",
      'way out: wait until then, or, as group platform-oncall: slipway deploy -e prod --break-glass --reason "..." (recorded in the release and announced)',
    ]);
  });

  it("lets a member of a named group break glass, recording who, why and which window; refuses anyone else", () => {
    const allowed = checkWindows(env, saturday, "slipway deploy -e prod", {
      identity: { username: "alice", groups: ["system:authenticated", "platform-oncall"] },
      reason: "INC-231",
    });
    expect(allowed?.check.outcome).toBe("passed");
    expect(allowed?.breakGlass).toEqual({
      by: "alice",
      groups: ["system:authenticated", "platform-oncall"],
      reason: "INC-231",
      windows: ['deny "weekend" (cron "0 16 * * 5" for 64h, Europe/Copenhagen)'],
      at: "2026-10-24T10:00:00.000Z",
    });
    const refused = checkWindows(env, saturday, "slipway deploy -e prod", {
      identity: { username: "bob", groups: ["system:authenticated"] },
      reason: "INC-231",
    });
    expect(refused?.check.outcome).toBe("failed");
    expect(refused?.check.problems[1]).toBe(
      "bob (groups system:authenticated) may not break glass in prod: only group platform-oncall may",
    );
  });
});

describe("windows in a definition", () => {
  const problems = (windows: unknown): string[] => {
    const input = {
      name: "prod",
      cluster: { context: "c", namespace: "n", flavour: "k3s" },
      registry: { host: "r", repositoryPrefix: "p" },
      windows,
    };
    const parsed = environmentSchema.safeParse(input);
    return parsed.success
      ? []
      : problemsFromIssues("slipway.config.ts", input, environmentSchema, parsed.error.issues).map(
          (p) => `${p.path}: ${p.message}`,
        );
  };

  it("are checked when the project loads, each problem at its field", () => {
    expect(problems([weekend])).toEqual([]);
    expect(
      problems([
        {
          deny: { cron: "0 16 * * fri x", duration: "64 hours", timeZone: "Europe/Copenhagn" },
          reason: "weekend",
        },
        { deny: { from: "2027-01-15", to: "2027-01-11", timeZone: "UTC" }, reason: "exams" },
        {
          allow: { cron: "0 8 * * 1-5", duration: "9h", timeZone: "UTC" },
          deny: { from: "2027-01-01", to: "2027-01-02", timeZone: "UTC" },
          reason: "x",
        },
        { deny: { cron: "0 8 * * *", from: "2027-01-01", timeZone: "UTC" }, reason: "" },
      ]),
    ).toEqual([
      'windows[0].deny.timeZone: expected an IANA time zone such as "Europe/Copenhagen" or "UTC", found string "Europe/Copenhagn"',
      "windows[0].deny.cron: is not a cron start (mode '5-part' requires exactly 5 parts, but pattern '0 16 * * fri x' has 6 parts): expected five fields (minute hour day-of-month month day-of-week) such as \"0 16 * * 5\", found string \"0 16 * * fri x\"",
      'windows[0].deny.duration: expected a duration of days, hours and minutes such as "64h", "1h30m" or "2d", found string "64 hours"',
      'windows[1].deny.to: is not after from (2027-01-15): a window must end after it starts, found string "2027-01-11"',
      expect.stringMatching(/^windows\[2\]: needs exactly one of allow or deny/),
      expect.stringMatching(/^windows\[3\]\.deny: has both a cron start and dates/),
      expect.stringMatching(/^windows\[3\]\.reason: must say why/),
    ]);
  });
});
