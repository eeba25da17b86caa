import { streamSSE } from "hono/streaming";
import type { PlatformCache } from "../../status/platform-cache.ts";
import { textOf, type Html } from "../html.ts";
import type { DashboardContext } from "./kit.ts";

/**
 * A page's live part over Server-Sent Events: the fragment at once (a reconnect misses
 * nothing), again after every change of the cache, and a ping every 10 s so proxies keep the
 * stream open and the page knows it lives. htmx swaps each message into the element and
 * reconnects a stream that ends; live.js replaces one that went silent.
 */
export function live(
  c: DashboardContext,
  cache: PlatformCache,
  fragment: () => Html | Promise<Html>,
): Response {
  return streamSSE(c, async (stream) => {
    let last = "";
    let sending = Promise.resolve();
    const send = (): void => {
      sending = sending.then(async () => {
        const text = await textOf(await fragment());
        if (text === last || stream.aborted) return;
        last = text;
        await stream.writeSSE({ data: text });
      });
      // A fragment that cannot be drawn now (a record unreadable) waits for the next change.
      sending = sending.catch(() => undefined);
    };
    const stop = cache.subscribe(send);
    // Every 10 s: a ping the page counts as life (live.js), and the fragment drawn again, sent
    // if it differs from the last one, so nothing depends on a single change notification.
    const beat = setInterval(() => {
      send();
      sending = sending.then(() => stream.writeSSE({ event: "ping", data: "" })).catch(() => undefined);
    }, 10_000);
    send();
    await new Promise<void>((resolve) => stream.onAbort(resolve));
    clearInterval(beat);
    stop();
  });
}
