import type { DefinitionProblem } from "../errors.ts";

/** How the problems found while loading are said: once each, and never one mistake twice. */

/**
 * Schema problems at a field whose function threw: the field has no value because of the
 * problem said already, so "is required" there would be a second error for one mistake.
 */
export function withoutFollowOns(
  resolveProblems: readonly DefinitionProblem[],
  schemaProblems: readonly DefinitionProblem[],
): DefinitionProblem[] {
  const failed = resolveProblems.map((p) => p.path);
  return schemaProblems.filter(
    (p) =>
      !failed.some(
        (path) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
      ),
  );
}

/** The same problem in every environment is said once, without an environment list. */
export function mergeAcrossEnvironments(
  problems: readonly DefinitionProblem[],
  allEnvironments: readonly string[],
): DefinitionProblem[] {
  const merged = new Map<string, DefinitionProblem & { environments: string[] }>();
  for (const p of problems) {
    const key = `${p.file}\0${p.path}\0${p.message}`;
    const existing = merged.get(key);
    if (existing) existing.environments.push(...(p.environments ?? []));
    else merged.set(key, { ...p, environments: [...(p.environments ?? [])] });
  }
  return [...merged.values()].map((p) => {
    const envs = [...new Set(p.environments)];
    const everywhere = allEnvironments.length > 0 && allEnvironments.every((e) => envs.includes(e));
    return {
      file: p.file,
      path: p.path,
      message: p.message,
      ...(envs.length && !everywhere ? { environments: envs } : {}),
    };
  });
}
