import type { EnvironmentInfo } from "./define.ts";
import type { DefinitionProblem } from "./errors.ts";
import { joinPath } from "./zod-problems.ts";

/**
 * Replaces every function in a definition by its value for the environment.
 * A function that throws becomes a problem at its field path.
 */
export function resolveForEnvironment(
  value: unknown,
  env: EnvironmentInfo,
  file: string,
  problems: DefinitionProblem[],
  path: string[] = [],
): unknown {
  if (typeof value === "function") {
    try {
      return resolveForEnvironment(
        (value as (env: EnvironmentInfo) => unknown)(env),
        env,
        file,
        problems,
        path,
      );
    } catch (error) {
      problems.push({
        file,
        path: joinPath(path),
        message: `threw while computing its value: ${(error as Error).message}`,
        environments: [env.name],
      });
      return undefined;
    }
  }
  if (Array.isArray(value))
    return value.map((item, i) => resolveForEnvironment(item, env, file, problems, [...path, String(i)]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveForEnvironment(v, env, file, problems, [...path, k])]),
    );
  }
  return value;
}
