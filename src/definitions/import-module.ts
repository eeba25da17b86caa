import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { register, type NamespacedUnregister } from "tsx/esm/api";

/**
 * Loads TypeScript definition files with tsx. One loader per project load: a namespace of
 * its own gives fresh modules each time (an edited file is read again), and registering
 * once instead of per file keeps a 100-service project fast to load.
 */
export class DefinitionLoader {
  private readonly api: NamespacedUnregister = register({
    namespace: `slipway-${randomBytes(4).toString("hex")}`,
  });

  async importDefault(file: string): Promise<unknown> {
    const module = (await this.api.import(pathToFileURL(file).href, import.meta.url)) as {
      default?: unknown;
    };
    return module.default;
  }

  async close(): Promise<void> {
    await this.api.unregister();
  }
}

/** The useful part of a load failure: esbuild's located message, without our stack. */
export function loadFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return lines.slice(0, 4).join(" | ");
}
