import { streamOutput } from "./output.ts";
import { run } from "./run.ts";

const out = streamOutput(process.stdout, process.stderr);
try {
  process.exitCode = await run(process.argv.slice(2), out);
} catch (error) {
  // Our bug, not the user's: keep the stack.
  out.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
