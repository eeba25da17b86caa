import type { KubernetesIdentities } from "../definitions/schema/environment.ts";
import type { Occurrence, WindowRef, WindowState } from "./state.ts";

/** An instant as a wall clock reads it in a zone: `Fri 2026-12-04 16:00 CET`. */
export function localTime(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** A window in words: `deny "weekend" (cron "0 16 * * 5" for 64h, Europe/Copenhagen)`. */
export const windowText = (w: WindowRef): string => `${w.kind} "${w.reason}" (${w.times}, ${w.timeZone})`;

const occurrenceText = (o: Occurrence): string =>
  `deny window "${o.window.reason}" (${o.window.times}, ${o.window.timeZone}; this one ${localTime(o.start, o.window.timeZone)} to ${localTime(o.end, o.window.timeZone)})`;

/** Why an environment is frozen, naming each window that freezes it. */
export function freezeText(state: WindowState): string {
  const deny = state.deny.map(occurrenceText);
  const outside = state.outsideAllow.length
    ? [
        `outside every allow window (${state.outsideAllow.map((w) => `"${w.reason}": ${w.times}, ${w.timeZone}`).join("; ")})`,
      ]
    : [];
  return [...deny, ...outside].join(", and ");
}

/** The windows a freeze breaks, as the release records them. */
export const brokenWindows = (state: WindowState): string[] => [
  ...state.deny.map((o) => windowText(o.window)),
  ...state.outsideAllow.map((w) => `outside ${windowText(w)}`),
];

/** When the next allowed time starts, in the zone of the window that froze it (and UTC). */
export function nextOpenText(state: WindowState, nextOpen: number | undefined): string {
  if (nextOpen === undefined) return "no allowed time within the next 400 days";
  const zone = state.deny[0]?.window.timeZone ?? state.outsideAllow[0]?.timeZone ?? "UTC";
  return `${localTime(nextOpen, zone)} (${new Date(nextOpen).toISOString()})`;
}

/** The people and groups an environment lets break glass, in words. */
export function identitiesText(identities: KubernetesIdentities | undefined): string {
  const names = [
    ...(identities?.users ?? []).map((u) => `user ${u}`),
    ...(identities?.groups ?? []).map((g) => `group ${g}`),
  ];
  return names.join(", ");
}
