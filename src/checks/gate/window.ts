import type { EnvironmentModel } from "../../definitions/model.ts";
import { isNamed, type BreakGlass, type KubernetesIdentity } from "../../windows/break-glass.ts";
import { brokenWindows, freezeText, identitiesText, localTime, nextOpenText } from "../../windows/format.ts";
import { Windows } from "../../windows/state.ts";
import { failed, passed, type GateCheck } from "./types.ts";

/** A --break-glass request: who asks, as the cluster names them, and why. */
export interface BreakGlassRequest {
  readonly identity: KubernetesIdentity;
  readonly reason: string;
}

export interface WindowVerdict {
  readonly check: GateCheck;
  /** Set when the environment is frozen and an allowed identity broke glass: what the release records. */
  readonly breakGlass?: BreakGlass;
}

/**
 * The environment's deploy windows at `now`: open passes; frozen fails, naming the windows, their
 * reasons, when the next allowed time starts and the way out, unless someone the environment
 * names breaks glass. `command` is what the way out tells them to run again.
 */
export function checkWindows(
  env: EnvironmentModel,
  now: number,
  command: string,
  request?: BreakGlassRequest,
): WindowVerdict | undefined {
  const windows = new Windows(env.windows);
  if (!windows.any) return undefined;
  const state = windows.stateAt(now);
  if (!state.frozen) {
    const next = windows.changes(now, 1)[0];
    const until = next
      ? `; next freeze ${localTime(next.at, next.deny[0]?.window.timeZone ?? next.outsideAllow[0]?.timeZone ?? "UTC")}: ${freezeText(next)}`
      : "";
    const unused = request
      ? [`--break-glass is not needed: ${env.name} is open, and nothing is recorded of it`]
      : [];
    return { check: passed("window", `${env.name} is open for deploys${until}`, unused) };
  }
  const frozen = `${env.name} is frozen: ${freezeText(state)}`;
  const next = `next allowed time: ${nextOpenText(state, windows.nextOpen(now))}`;
  const allowed = identitiesText(env.breakGlass);
  if (!request) {
    const wayOut = allowed
      ? `way out: wait until then, or, as ${allowed}: ${command} --break-glass --reason "..." (recorded in the release and announced)`
      : `way out: wait until then (no one may break glass in ${env.name}: it names no breakGlass: { users, groups })`;
    return { check: failed("window", frozen, [next, wayOut]) };
  }
  const who = `${request.identity.username}${request.identity.groups.length ? ` (groups ${request.identity.groups.join(", ")})` : ""}`;
  if (!isNamed(request.identity, env.breakGlass))
    return {
      check: failed("window", frozen, [
        next,
        allowed
          ? `${who} may not break glass in ${env.name}: only ${allowed} may`
          : `${who} may not break glass in ${env.name}: it names no one (breakGlass: { users, groups })`,
      ]),
    };
  const breakGlass: BreakGlass = {
    by: request.identity.username,
    groups: request.identity.groups,
    reason: request.reason,
    windows: brokenWindows(state),
    at: new Date(now).toISOString(),
  };
  return {
    check: passed("window", `${frozen}; glass broken by ${request.identity.username}`, [
      `break-glass by ${who}: ${request.reason} (recorded in the release)`,
    ]),
    breakGlass,
  };
}
