/** An identity as the API server reports it. */
export interface Identity {
  readonly username: string;
  readonly groups: readonly string[];
}

/**
 * Whether `who` is among an environment's approvers: a user name as the API server reports it,
 * or `group:<name>` for any member of that group.
 */
export function isApprover(who: Identity, approvers: readonly string[]): boolean {
  return approvers.some((a) =>
    a.startsWith("group:") ? who.groups.includes(a.slice("group:".length)) : a === who.username,
  );
}
