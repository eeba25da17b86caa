import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { NamespacedUnregister } from "tsx/esm/api";

/**
 * Loads TypeScript definition files with tsx. One loader per project load: a namespace of
 * its own gives fresh modules each time (an edited file is read again), and registering
 * once instead of per file keeps a 100-service project fast to load.
 */
export class DefinitionLoader {
  // tsx is imported on the first file, not with this module: commands that never read a
  // definition (--help, migrations check) do not pay for loading it.
  private api: Promise<NamespacedUnregister> | undefined;

  private loader(): Promise<NamespacedUnregister> {
    this.api ??= import("tsx/esm/api").then(({ register }) =>
      register({ namespace: `slipway-${randomBytes(4).toString("hex")}` }),
    );
    return this.api;
  }

  async importDefault(file: string): Promise<unknown> {
    const api = await this.loader();
    const module = (await api.import(pathToFileURL(file).href, import.meta.url)) as {
      default?: unknown;
    };
    return module.default;
  }

  async close(): Promise<void> {
    if (this.api) await (await this.api).unregister();
  }
}

/** The useful part of a load failure: esbuild's located message, without our stack. */
export function loadFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return lines.slice(0, 4).join(" | ");
}
