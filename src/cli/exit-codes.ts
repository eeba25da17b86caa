/** Exit codes of every command, as documented in docs/reference/cli.md ("Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** The operation failed (cluster unreachable, a rollout failed and was left, ...). */
  failure: 1,
  /** The command line or a definition is wrong: nothing was attempted. */
  usage: 2,
  /** plan --detailed-exitcode: there are changes (Terraform's convention, hence the clash with usage). */
  changes: 2,
  /** The live state differs from the definitions (drift, audit status). */
  differs: 3,
  /** deploy, rollback: a check of the procedure refused before anything changed. */
  refused: 4,
  /** Another deploy holds the environment's deploy lock (without --wait-for-lock). */
  lockHeld: 5,
  /** deploy: a service failed from its rollout on and was rolled back by itself. */
  rolledBack: 6,
  /** deploy of a fleet: every wave ran, but a cluster failed within its wave's failure budget. */
  partial: 7,
} as const;
