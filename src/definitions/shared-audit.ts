import type { ProjectModel } from "./model.ts";

/** Environments whose audited calls write to the same indices: one search server, one index prefix. */
export interface SharedAuditIndices {
  readonly environments: readonly string[];
  readonly server: string;
  readonly indexPrefix: string;
  /** The audited calls more than one of them has: their templates and write aliases are shared. */
  readonly calls: readonly string[];
}

/**
 * Slipway owns each audited call's index template and write alias, so two environments that name
 * the same server and prefix change each other's indices: a deploy to prod rolls over the index
 * dev's running version writes to. That is right only for one platform on two clusters during a
 * cluster move, so it is a warning, not an error.
 */
export function sharedAuditIndices(project: ProjectModel): SharedAuditIndices[] {
  const groups = new Map<string, { server: string; indexPrefix: string; calls: Map<string, string[]> }>();
  for (const env of project.environments) {
    if (!env.search) continue;
    const server = serverOf(env.search.url);
    const indexPrefix = env.search.indexPrefix ?? "";
    const key = `${server}\n${indexPrefix}`;
    const group = groups.get(key) ?? { server, indexPrefix, calls: new Map<string, string[]>() };
    groups.set(key, group);
    for (const service of project.services.get(env.name) ?? [])
      for (const call of service.calls.filter((c) => c.audited))
        group.calls.set(call.name, [...(group.calls.get(call.name) ?? []), env.name]);
  }
  const shared: SharedAuditIndices[] = [];
  for (const { server, indexPrefix, calls } of groups.values()) {
    const both = [...calls].filter(([, envs]) => envs.length > 1);
    if (both.length === 0) continue;
    const environments = [...new Set(both.flatMap(([, envs]) => envs))];
    shared.push({ environments, server, indexPrefix, calls: both.map(([call]) => call).sort() });
  }
  return shared;
}

/** What a user reads: which environments, which indices, and what to do. */
export function describeSharedAuditIndices(s: SharedAuditIndices): string {
  const calls =
    s.calls.length > 3
      ? `${s.calls.slice(0, 3).join(", ")} and ${s.calls.length - 3} more`
      : s.calls.join(", ");
  const prefix = s.indexPrefix ? `index prefix "${s.indexPrefix}"` : "no search.indexPrefix";
  return (
    `environments ${s.environments.join(" and ")} write the same audit indices (${calls}) on ${s.server} ` +
    `(${prefix}): a deploy to one changes the other's index templates and write aliases. Give each ` +
    `environment its own search.indexPrefix, unless they are one platform on two clusters (a cluster move)`
  );
}

/** Scheme, host and path: the same server however its URL is spelled (a trailing slash, a default port). */
function serverOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}
