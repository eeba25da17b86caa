import { describe, expect, it } from "vitest";
import { Courier } from "../../src/notify/courier.ts";
import { startMessage, type ReleaseMessage } from "../../src/notify/message.ts";

const message = (sequence: number): ReleaseMessage => ({
  ...startMessage({ id: "m", action: "deploy", project: "p", environment: "dev", by: "me", services: [] }),
  sequence,
});
const fast = { attempts: 3, backoffMs: 5, timeoutMs: 1000 };

describe("a courier", () => {
  it("retries with backoff until the receiver takes the update", async () => {
    const tries: number[] = [];
    const courier = new Courier(
      async (m) => {
        tries.push(m.sequence);
        if (tries.length < 3) throw new Error("the receiver answered HTTP 500");
      },
      "every",
      (t) => t,
      new AbortController().signal,
      fast,
    );
    courier.offer(message(1), true);
    expect(await courier.idle()).toMatchObject({ sent: 1, attempts: 3, delivered: true, lastSequence: 1 });
    expect(tries).toEqual([1, 1, 1]);
  });

  it("coalesces updates offered while one is on its way, in order, the last always sent", async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((r) => (release = r));
    const courier = new Courier(
      async (m) => {
        sent.push(m.sequence);
        if (m.sequence === 1) await first;
      },
      "every",
      (t) => t,
      new AbortController().signal,
      fast,
    );
    courier.offer(message(1), false);
    for (const s of [2, 3, 4]) courier.offer(message(s), false);
    courier.offer(message(5), true);
    release();
    await courier.idle();
    expect(sent).toEqual([1, 5]);
  });

  it("gives up after the bound, skips updates in between, and tries the last again", async () => {
    const sent: number[] = [];
    const courier = new Courier(
      async (m) => {
        sent.push(m.sequence);
        throw new Error(`connect ECONNREFUSED with key s3cr3t-key`);
      },
      "every",
      (t) => t.replace("s3cr3t-key", "***"),
      new AbortController().signal,
      fast,
    );
    courier.offer(message(1), false);
    await courier.idle();
    courier.offer(message(2), false);
    courier.offer(message(3), true);
    const state = await courier.idle();
    expect(sent).toEqual([1, 1, 1, 3, 3, 3]);
    expect(state).toMatchObject({ sent: 0, attempts: 6, delivered: false });
    expect(state.lastError).toBe("connect ECONNREFUSED with key ***");
  });

  it("takes only what its destination can use: the first and the last, or the last", async () => {
    const seen = { chat: [] as number[], mail: [] as number[] };
    const stop = new AbortController().signal;
    const chat = new Courier(
      async (m) => void seen.chat.push(m.sequence),
      "first-and-last",
      (t) => t,
      stop,
      fast,
    );
    const mail = new Courier(
      async (m) => void seen.mail.push(m.sequence),
      "last",
      (t) => t,
      stop,
      fast,
    );
    for (const c of [chat, mail]) {
      c.offer(message(1), false);
      await c.idle();
      c.offer(message(2), false);
      c.offer(message(3), true);
      await c.idle();
    }
    expect(seen).toEqual({ chat: [1, 3], mail: [3] });
  });
});
