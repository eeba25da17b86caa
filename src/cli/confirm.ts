import type { Output } from "./output.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Asks before a change on a terminal; without one, only --yes lets it through. Returns whether
 * to go on; a "no" sets exit code 1 and says what was not done.
 */
export async function confirm(
  out: Output,
  options: { yes?: boolean; verb: string; question: string; declined: string },
): Promise<boolean> {
  if (options.yes) return true;
  if (!out.interactive)
    throw new UsageError(
      `refusing to ${options.verb} without confirmation: no terminal to ask on`,
      `pass --yes to ${options.verb} from a script or CI`,
    );
  const answer = await out.ask(`${options.question} [y/N] `);
  if (/^y(es)?$/i.test(answer.trim())) return true;
  out.line(options.declined);
  out.exitCode(1);
  return false;
}
