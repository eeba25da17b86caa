import { streamOutput } from "./output.ts";
import { run } from "./run.ts";

// Ctrl-C aborts the running command: a deploy stops where it is and stays resumable. Every
// request and wait listens on it through one listener (util/on-abort.ts), so Node's limit of ten
// listeners stays as it is, to catch one that is left behind.
const controller = new AbortController();
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
