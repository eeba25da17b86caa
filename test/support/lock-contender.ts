/**
 * A process that contends for a platform lock, for test/platform/lock.test.ts:
 *   lock-contender.ts <lock file> <journal file> <hold: milliseconds | "stdin" | "forever">
 * It says "waiting <pid>" for each holder it waits for and "acquired" once it holds the lock,
 * appends "enter <pid>" and "exit <pid>" to the journal around its hold, then releases and says "released".
 * "stdin" holds until a line arrives on standard input; "forever" until it is killed.
 */
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { acquireLock } from "../../platform/src/process/lock.ts";
import { sleep } from "../../platform/src/process/wait.ts";

const [lockPath, journal, hold] = process.argv.slice(2);
if (!lockPath || !journal || !hold) throw new Error("usage: lock-contender.ts <lock> <journal> <hold>");

const release = await acquireLock(lockPath, {
  what: "lock test",
  pollMs: 50,
  onWait: (holder) => process.stdout.write(`waiting ${holder.pid}\n`),
});
process.stdout.write("acquired\n");
appendFileSync(journal, `enter ${process.pid}\n`);
if (hold === "forever") {
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
} else if (hold === "stdin") {
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
} else {
  await sleep(Number(hold));
}
appendFileSync(journal, `exit ${process.pid}\n`);
release();
process.stdout.write("released\n");
