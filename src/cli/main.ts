import { setMaxListeners } from "node:events";
import { streamOutput } from "./output.ts";
import { run } from "./run.ts";

// Ctrl-C aborts the running command: a deploy stops where it is and stays resumable.
const controller = new AbortController();
// Every request listens on it, and a plan LISTs each managed kind at once (a dozen and more):
// Node's warning at ten listeners would be noise on every command, not a leak.
setMaxListeners(100, controller.signal);
process.once("SIGINT", () => controller.abort(new Error("interrupted (SIGINT)")));
process.once("SIGTERM", () => controller.abort(new Error("interrupted (SIGTERM)")));

const out = streamOutput(process.stdout, process.stderr, process.stdin, controller.signal);
try {
  process.exitCode = await run(process.argv.slice(2), out);
} catch (error) {
  // Our bug, not the user's: keep the stack.
  out.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
