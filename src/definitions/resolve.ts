import type { EnvironmentInfo } from "./define.ts";
import type { DefinitionProblem } from "./errors.ts";
import { describe, joinPath } from "./zod-problems.ts";

/**
 * Replaces every function in a definition by its value for the environment (each function gets
 * the environment and the service's parameter values there).
 * A function that throws becomes a problem at its field path, and so does a value that
 * contains itself (it would have no end once resolved) or a function that keeps returning
 * functions.
 */
export function resolveForEnvironment(
  value: unknown,
  env: EnvironmentInfo,
  file: string,
  problems: DefinitionProblem[],
  params: Readonly<Record<string, unknown>> = {},
  path: string[] = [],
  ancestors: ReadonlySet<unknown> = new Set(),
  calls = 0,
): unknown {
  const problem = (message: string): undefined => {
    problems.push({ file, path: joinPath(path), message, environments: [env.name] });
    return undefined;
  };
  if (typeof value === "function") {
    if (calls >= maxCalls)
      return problem(`returned a function ${maxCalls} times over (expected a value for the environment)`);
    let result: unknown;
    try {
      result = (value as (env: EnvironmentInfo, params: Readonly<Record<string, unknown>>) => unknown)(
        env,
        params,
      );
    } catch (error) {
      return problem(
        `threw while computing its value: ${error instanceof Error ? error.message : `(${describe(error)})`}`,
      );
    }
    return resolveForEnvironment(result, env, file, problems, params, path, ancestors, calls + 1);
  }
  if (value !== null && typeof value === "object" && ancestors.has(value))
    return problem("contains itself (a reference back to an enclosing value)");
  if (Array.isArray(value)) {
    const inside = new Set([...ancestors, value]);
    return value.map((item, i) =>
      resolveForEnvironment(item, env, file, problems, params, [...path, String(i)], inside),
    );
  }
  if (value !== null && typeof value === "object") {
    const inside = new Set([...ancestors, value]);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        resolveForEnvironment(v, env, file, problems, params, [...path, k], inside),
      ]),
    );
  }
  return value;
}

const maxCalls = 10;
