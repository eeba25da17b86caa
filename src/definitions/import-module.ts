import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Message, Plugin } from "esbuild";

/** Gives a definition file's default export (undefined when it has none); throws when the file cannot be loaded. */
export type ImportDefault = (file: string) => Promise<unknown>;

/**
 * Loads TypeScript definition files: esbuild bundles each one (its own relative imports
 * included) into one ES module, which Node imports from memory. Compared with registering a
 * loader (tsx), no module hooks run in a worker thread for every import, which was most of
 * `slipway validate`'s start-up (the way Vite loads vite.config.ts).
 */
export class DefinitionLoader {
  // esbuild is imported on the first file, not with this module: commands that never read a
  // definition (--help, migrations check) do not pay for loading it.
  private esbuild: Promise<typeof import("esbuild")> | undefined;
  // One per loader, so a file read again after an edit (or an env var change) is evaluated
  // again instead of coming from Node's module cache.
  private readonly load = randomBytes(4).toString("hex");

  async importDefault(file: string): Promise<unknown> {
    this.esbuild ??= import("esbuild");
    const { build } = await this.esbuild;
    const result = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "silent",
      plugins: [definitionFiles],
    }).catch((error: unknown) => {
      throw new Error(buildFailure(error));
    });
    const code = `${result.outputFiles[0]?.text ?? ""}\n// slipway load ${this.load}\n`;
    const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as {
      default?: unknown;
    };
    return module.default;
  }

  async close(): Promise<void> {
    // esbuild's service process ends with ours; nothing is registered globally.
  }
}

// The definition helpers are identity functions: a definition's `import ... from "slipway"`
// gets them bundled in, from the copy of Slipway that loads it.
const defineModule = fileURLToPath(
  new URL(`./define${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

const definitionFiles: Plugin = {
  name: "slipway-definitions",
  setup(build) {
    build.onResolve({ filter: /^slipway$/ }, () => ({ path: defineModule }));
    // Bundled into a module in memory, a file would see the bundle's import.meta: give each its own.
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const contents = source
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)));
      const ext = extname(args.path).slice(-2) === "ts" ? "ts" : "js";
      return { contents, loader: ext, resolveDir: dirname(args.path) };
    });
  },
};

/** esbuild's first messages as `file:line:column: ERROR: text`, without our stack. */
function buildFailure(error: unknown): string {
  const errors = (error as { errors?: Message[] }).errors;
  if (!errors?.length) return error instanceof Error ? error.message : String(error);
  return errors
    .slice(0, 3)
    .map((e) =>
      e.location
        ? `${e.location.file}:${e.location.line}:${e.location.column}: ERROR: ${e.text}`
        : `ERROR: ${e.text}`,
    )
    .join(" | ");
}

/** The useful part of a load failure: esbuild's located message, without our stack. */
export function loadFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return lines.slice(0, 4).join(" | ");
}
