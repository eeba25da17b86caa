import { relative } from "node:path";

/**
 * A mistake in a definition, said once at the edge: the file, the field path, what was found
 * and what was expected. Never a stack trace.
 */
export interface DefinitionProblem {
  readonly file: string;
  /** Field path such as `deployment.replicas`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
  /** Environments in which the problem appears, when it depends on the environment. */
  readonly environments?: readonly string[];
}

export class DefinitionError extends Error {
  constructor(readonly problems: readonly DefinitionProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? "" : "s"} in the definitions`);
    this.name = "DefinitionError";
  }

  render(): string {
    return this.problems.map(formatProblem).join("\n");
  }
}

export function formatProblem(problem: DefinitionProblem): string {
  const where = problem.path ? `${problem.file}: ${problem.path}` : problem.file;
  const names = problem.environments ?? [];
  const envs = names.length ? ` (environment${names.length > 1 ? "s" : ""} ${names.join(", ")})` : "";
  return `${where}: ${problem.message}${envs}`;
}

/** A path as a problem shows it: relative to the working directory. */
export const shownPath = (path: string): string => relative(process.cwd(), path) || path;
