import { randomBytes } from "node:crypto";
import { bundleDefinitions } from "./bundle-definitions.ts";

/** Gives a definition file's default export (undefined when it has none); throws when the file cannot be loaded. */
export type ImportDefault = (file: string) => Promise<unknown>;

interface Request {
  readonly file: string;
  readonly resolve: (definition: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Load = () => Promise<{ default?: unknown }>;

/**
 * Loads TypeScript definition files: esbuild bundles them into an ES module, which Node imports
 * from memory. Compared with registering a loader (tsx), no module hooks run in a worker thread
 * for every import (the way Vite loads vite.config.ts).
 *
 * The files asked for together (in one turn of the event loop, as `Promise.allSettled(files.map(
 * importDefault))` asks) are bundled in one esbuild pass, then evaluated one after the other in
 * the order they were asked for: a thousand files in one pass take a fraction of a thousand passes.
 */
export class DefinitionLoader {
  // esbuild is imported on the first file, not with this module: commands that never read a
  // definition (--help, migrations check) do not pay for loading it.
  private esbuild: Promise<typeof import("esbuild")> | undefined;
  // One per loader, so a file read again after an edit (or an env var change) is evaluated
  // again instead of coming from Node's module cache.
  private readonly load = randomBytes(4).toString("hex");
  private waiting: Request[] = [];

  importDefault(file: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ file, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const requests = this.waiting;
    this.waiting = [];
    try {
      this.esbuild ??= import("esbuild");
      const { bundles, failures } = await bundleDefinitions(await this.esbuild, [
        ...new Set(requests.map((r) => r.file)),
      ]);
      const loads = new Map<string, Load>();
      for (const bundle of bundles) {
        const code = `${bundle.code}\n// slipway load ${this.load}\n`;
        const module = (await import(
          `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`
        )) as {
          load: Load[];
        };
        bundle.files.forEach((file, i) => {
          const load = module.load[i];
          if (load) loads.set(file, load);
        });
      }
      for (const request of requests) {
        const failure = failures.get(request.file);
        const load = loads.get(request.file);
        if (failure !== undefined || load === undefined) {
          request.reject(new Error(failure ?? `${request.file} was not bundled`));
          continue;
        }
        await load().then(
          (module) => request.resolve(module.default),
          (error: unknown) => request.reject(error),
        );
      }
    } catch (error) {
      // Settled requests ignore this; the others fail as their files could not be loaded.
      for (const request of requests) request.reject(error);
    }
  }

  async close(): Promise<void> {
    // esbuild's service process ends with ours; nothing is registered globally.
  }
}

/** The useful part of a load failure: esbuild's located message, without our stack. */
export function loadFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return lines.slice(0, 4).join(" | ");
}
