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
    const files = readdirSync(servicesDir)
      .sort()
      .map((entry) => join(servicesDir, entry, "service.ts"))
      .filter((absolute) => existsSync(absolute));
    // Asked for together, so a loader can compile them in one pass; said in the files' order.
    const loaded = await Promise.allSettled(files.map(async (absolute) => importDefault(absolute)));
    files.forEach((absolute, i) => {
      const result = loaded[i];
      if (result?.status === "rejected") {
        problems.push({
          file: shownPath(absolute),
          path: "",
          message: `cannot be loaded: ${loadFailureMessage(result.reason)}`,
        });
      } else if (result?.value === undefined) {
        problems.push({
          file: shownPath(absolute),
          path: "",
          message: "has no default export (expected `export default defineService({...})`)",
        });
      } else {
        sources.push({ file: shownPath(absolute), absolute, definition: result.value });
      }
    });
  }
  return sources;
}
