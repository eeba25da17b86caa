import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { shownPath, type DefinitionProblem } from "../errors.ts";
import { loadFailureMessage, type ImportDefault } from "../import-module.ts";

/** A service definition file and its default export, not yet checked. */
export interface ServiceSource {
  readonly file: string;
  readonly absolute: string;
  readonly definition: unknown;
}

export const serviceName = (definition: unknown): string | undefined => {
  const name = (definition as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
};

/**
 * Every <service>/service.ts in the services folder, imported; one that cannot be loaded or has
 * no default export is a problem. `configFile` is the project file as problems name it.
 */
export async function readServiceFiles(
  servicesDir: string,
  configFile: string,
  importDefault: ImportDefault,
  problems: DefinitionProblem[],
): Promise<ServiceSource[]> {
  const sources: ServiceSource[] = [];
  if (!existsSync(servicesDir) || !statSync(servicesDir).isDirectory()) {
    problems.push({
      file: configFile,
      path: "servicesDir",
      message: `folder ${shownPath(servicesDir)} not found (expected one <service>/service.ts per service)`,
    });
  } else {
    for (const entry of readdirSync(servicesDir).sort()) {
      const absolute = join(servicesDir, entry, "service.ts");
      if (!existsSync(absolute)) continue;
      try {
        const definition = await importDefault(absolute);
        if (definition === undefined) {
          problems.push({
            file: shownPath(absolute),
            path: "",
            message: "has no default export (expected `export default defineService({...})`)",
          });
        } else {
          sources.push({ file: shownPath(absolute), absolute, definition });
        }
      } catch (error) {
        problems.push({
          file: shownPath(absolute),
          path: "",
          message: `cannot be loaded: ${loadFailureMessage(error)}`,
        });
      }
    }
  }
  return sources;
}
