import { existsSync } from "node:fs";
import { DefinitionError, shownPath } from "../errors.ts";
import { loadFailureMessage, type ImportDefault } from "../import-module.ts";
import { projectSchema, type ResolvedProject } from "../schema/project.ts";
import { problemsFromIssues } from "../zod-problems.ts";

export const configFileName = "slipway.config.ts";

/**
 * slipway.config.ts imported and checked by the project schema. Its problems end the load at
 * once: without the project there are no environments to check anything else in.
 */
export async function readProjectFile(
  configFile: string,
  importDefault: ImportDefault,
): Promise<ResolvedProject> {
  if (!existsSync(configFile)) {
    throw new DefinitionError([
      {
        file: shownPath(configFile),
        path: "",
        message: `not found (expected a project file named ${configFileName})`,
      },
    ]);
  }
  let rawProject: unknown;
  try {
    rawProject = await importDefault(configFile);
  } catch (error) {
    throw new DefinitionError([
      { file: shownPath(configFile), path: "", message: `cannot be loaded: ${loadFailureMessage(error)}` },
    ]);
  }
  const project = projectSchema.safeParse(rawProject);
  if (!project.success) {
    throw new DefinitionError(
      rawProject === undefined
        ? [
            {
              file: shownPath(configFile),
              path: "",
              message: "has no default export (expected `export default defineProject({...})`)",
            },
          ]
        : problemsFromIssues(shownPath(configFile), rawProject, projectSchema, project.error.issues),
    );
  }
  return project.data;
}
