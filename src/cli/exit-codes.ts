/** Exit codes of every command, as documented in the README. */
export const ExitCode = {
  ok: 0,
  /** The operation failed (cluster unreachable, a check refused, ...). */
  failure: 1,
  /** The command line or a definition is wrong: nothing was attempted. */
  usage: 2,
  /** The live state differs from the definitions (audit status; plan --detailed-exitcode uses 2). */
  differs: 3,
} as const;
