import { readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildFailure, Message, Plugin } from "esbuild";

type Esbuild = typeof import("esbuild");

/** Definition files bundled together: an ES module whose `load[i]()` evaluates `files[i]` and gives its exports. */
export interface DefinitionBundle {
  readonly files: readonly string[];
  readonly code: string;
}

/** The bundles of the files that build, and the located build failure of each file that does not. */
export interface Bundled {
  readonly bundles: readonly DefinitionBundle[];
  readonly failures: ReadonlyMap<string, string>;
}

/**
 * Bundles TypeScript definition files (their own relative imports included) in one esbuild pass:
 * one pass per file was most of the time `slipway validate` took on a large project.
 *
 * Each file becomes a lazily evaluated module of the bundle (esbuild's wrapper for a dynamic
 * import), so a file that throws while it is evaluated fails alone, top-level await works, and
 * two files' top-level names cannot collide. One file that does not build fails the whole pass:
 * then the files its errors name, and any other that still fails, are built alone (the others
 * are split in halves until they do), so each failure is the message that file's own pass gives.
 */
export async function bundleDefinitions(esbuild: Esbuild, files: readonly string[]): Promise<Bundled> {
  const bundles: DefinitionBundle[] = [];
  const failures = new Map<string, string>();
  const pass = async (group: readonly string[]): Promise<void> => {
    const built = await buildTogether(esbuild, group);
    if (typeof built === "string") {
      bundles.push({ files: group, code: built });
      return;
    }
    const [only] = group;
    if (group.length === 1 && only !== undefined) {
      failures.set(only, buildFailure(built));
      return;
    }
    const named = new Set<string>(
      built.flatMap((e) => (e.location ? [resolve(process.cwd(), e.location.file)] : [])),
    );
    const blamed = group.filter((f) => named.has(resolve(f)));
    const others = group.filter((f) => !named.has(resolve(f)));
    // An error in a file that is no entry (a shared helper) names none: halves find who imports it.
    const groups =
      blamed.length > 0
        ? [...blamed.map((f) => [f]), ...(others.length ? [others] : [])]
        : [group.slice(0, group.length / 2), group.slice(group.length / 2)];
    for (const g of groups) await pass(g);
  };
  if (files.length > 0) await pass(files);
  return { bundles, failures };
}

/** The bundle's code, or esbuild's errors when one of the files does not build. */
async function buildTogether(esbuild: Esbuild, files: readonly string[]): Promise<string | Message[]> {
  const entry = `export const load = [\n${files.map((f) => `  () => import(${JSON.stringify(resolve(f))}),\n`).join("")}];\n`;
  try {
    const result = await esbuild.build({
      stdin: {
        contents: entry,
        resolveDir: process.cwd(),
        sourcefile: "slipway-definitions.js",
        loader: "js",
      },
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "silent",
      plugins: [definitionFiles],
    });
    return result.outputFiles[0]?.text ?? "";
  } catch (error) {
    const errors = (error as Partial<BuildFailure>).errors;
    if (!errors?.length) throw error;
    return errors;
  }
}

// The definition helpers are identity functions: a definition's `import ... from "slipway"`
// gets them bundled in, from the copy of Slipway that loads it. (Not esbuild's alias, which
// would also take "slipway/<subpath>" imports, such as the package's JSON schema.)
const defineModule = fileURLToPath(
  new URL(`./define${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

const definitionFiles: Plugin = {
  name: "slipway-definitions",
  setup(build) {
    build.onResolve({ filter: /^slipway$/ }, () => ({ path: defineModule }));
    // Bundled into a module in memory, a file would see the bundle's import.meta: give each its own.
    // Read at once: the promise API's open, stat, read and close cost more than the read, a
    // thousand times over.
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
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
function buildFailure(errors: readonly Message[]): string {
  return errors
    .slice(0, 3)
    .map((e) =>
      e.location
        ? `${e.location.file}:${e.location.line}:${e.location.column}: ERROR: ${e.text}`
        : `ERROR: ${e.text}`,
    )
    .join(" | ");
}
