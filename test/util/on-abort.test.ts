import { getEventListeners } from "node:events";
import { expect, it } from "vitest";
import { onAbort, signalFor } from "../../src/util/on-abort.ts";
import { sleep } from "../../src/util/sleep.ts";

it("many pieces of work listen to one signal through one listener, each let go of when it ends", () => {
  const command = new AbortController();
  const heard: string[] = [];
  const stops = Array.from({ length: 30 }, (_, i) => onAbort(command.signal, () => heard.push(`work ${i}`)));
  const requests = Array.from({ length: 30 }, () => signalFor(command.signal));
  expect(getEventListeners(command.signal, "abort")).toHaveLength(1);
  stops.slice(1).forEach((stop) => stop());
  requests.slice(1).forEach((r) => r.release());
  command.abort(new Error("interrupted (SIGINT)"));
  expect(heard).toEqual(["work 0"]);
  expect(requests[0]?.signal.aborted).toBe(true);
  expect((requests[0]?.signal.reason as Error).message).toBe("interrupted (SIGINT)");
  expect(requests[1]?.signal.aborted).toBe(false);
});

it("hears a signal that has aborted already at once", () => {
  const reasons: unknown[] = [];
  onAbort(AbortSignal.abort("gone"), (reason) => reasons.push(reason));
  expect(reasons).toEqual(["gone"]);
});

it("an interrupted sleep rejects with the signal's reason", async () => {
  const command = new AbortController();
  for (let i = 0; i < 20; i++) await sleep(1, command.signal);
  const pending = sleep(60_000, command.signal);
  command.abort(new Error("stop"));
  await expect(pending).rejects.toThrow("stop");
});
