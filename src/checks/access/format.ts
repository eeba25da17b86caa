import type { EnvCheck } from "./check.ts";

function namespaceLine(check: EnvCheck): string {
  if (check.namespaceState === "exists") return `${check.namespace} exists`;
  if (check.namespaceState === "unknown")
    return `${check.namespace}: cannot tell (${check.identity.username} may not read Namespaces)`;
  const creatable = check.permissions.some((p) => p.resource === "namespaces" && p.allowed);
  return `${check.namespace} does not exist${creatable ? " yet (a deploy creates it)" : ""}`;
}

/** The check as a person reads it: one line per fact, one per problem, then the fix. */
export function formatEnvCheck(check: EnvCheck): string {
  const allowed = check.permissions.filter((p) => p.allowed).length;
  const groups = check.identity.groups.length ? ` (groups: ${check.identity.groups.join(", ")})` : "";
  const lines = [
    `Environment ${check.environment}: context ${check.context}, namespace ${check.namespace}`,
    `  cluster     ${check.server} reachable, Kubernetes ${check.kubernetesVersion}`,
    `  identity    ${check.identity.username}${groups}`,
    `  namespace   ${namespaceLine(check)}`,
    `  access      ${allowed} of ${check.permissions.length} permission(s) a deploy needs are allowed`,
  ];
  for (const problem of check.problems) lines.push(`  ${problem}`);
  if (check.fixes.length) {
    lines.push("", "To fix, as a cluster admin:");
    for (const fix of check.fixes) lines.push(`  ${fix}`);
  }
  lines.push(
    "",
    check.ok
      ? `OK: ${check.identity.username} may deploy to ${check.environment}.`
      : `Not ready: a deploy to ${check.environment} would fail (${check.problems.length} problem(s)).`,
  );
  return lines.join("\n") + "\n";
}
