import { z } from "zod";
import { windowTimesIssues } from "../deploy-window.ts";

/**
 * When a deploy window is: a cron start and a duration (a repeating window), or from and to (one
 * stretch of dates), read in an IANA time zone (deploy-window.ts says what is wrong with them).
 */
const windowTimes = z
  .strictObject({
    /** Five cron fields: when each window starts, such as "0 16 * * 5" (Fridays at 16:00). */
    cron: z.string().optional().meta({
      description:
        "a repeating window's start: five cron fields, read by croner in `timeZone` (with `duration`)",
      example: 'cron: "0 16 * * 5"',
    }),
    /** How long each lasts from its start, in elapsed time: "64h", "1h30m", "2d". */
    duration: z.string().optional().meta({
      description: "how long each lasts from its start, in elapsed time (days, hours, minutes)",
      example: 'duration: "64h"',
    }),
    /** A date ("2027-01-11", its midnight) or a wall-clock time ("2027-01-11T08:00"). */
    from: z.string().optional().meta({
      description:
        "a one-off window's start: a date (its midnight) or a wall-clock time, no offset (with `to`)",
      example: 'from: "2027-01-11"',
    }),
    /** A date (through the end of that day) or a wall-clock time (up to it). */
    to: z.string().optional().meta({
      description: "its end: a date (through the end of that day) or a wall-clock time (up to it)",
      example: 'to: "2027-01-15T12:00"',
    }),
    timeZone: z.string().meta({
      description: 'the IANA time zone the times are read in (`"UTC"` is one)',
      example: 'timeZone: "Europe/Copenhagen"',
    }),
  })
  .superRefine(windowTimesIssues);

/** A deploy window: allowed or denied times, with the reason people are told. Deny wins. */
export const deployWindow = z
  .strictObject({
    allow: windowTimes.optional().meta({
      description: "deploys only in these times (outside every allow window the environment is frozen)",
      example: 'allow: { cron: "0 8 * * 1-5", duration: "9h", timeZone: "Europe/Copenhagen" }',
    }),
    deny: windowTimes.optional().meta({
      description: "no deploys in these times, allow windows or not",
      example: 'deny: { from: "2027-01-11", to: "2027-01-15", timeZone: "Europe/Copenhagen" }',
    }),
    reason: z.string().trim().min(1, { message: "must say why, in words the refused deploy shows" }).meta({
      description: "why, in the words a refused deploy, `slipway windows` and the dashboard show",
      example: 'reason: "weekend"',
    }),
  })
  .superRefine((w, ctx) => {
    if ((w.allow === undefined) === (w.deny === undefined))
      ctx.addIssue({
        code: "custom",
        message:
          'needs exactly one of allow or deny, such as { deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" }, reason: "weekend" }',
      });
  });

export type DeployWindow = z.infer<typeof deployWindow>;
