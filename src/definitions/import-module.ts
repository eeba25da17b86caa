import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

/** Loads a TypeScript definition file with tsx and returns its default export. */
export async function importDefault(file: string): Promise<unknown> {
  const module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  return module.default;
}

/** The useful part of a load failure: esbuild's located message, without our stack. */
export function loadFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return lines.slice(0, 4).join(" | ");
}
