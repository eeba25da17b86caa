// The program of an example service's image: the shared runtime (examples/platform/runtime)
// bundled by esbuild with the service's own handler.js and store.js into one main.js that needs
// no node_modules (pg is inside). The same inputs give the same bytes: the bundle names its
// modules by paths relative to the example folder (the service's as service:<name>/<file>), and
// carries no timestamps or absolute paths.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

/** The example folder holding runtime/; module paths in the bundle are relative to it. */
export const exampleRoot = fileURLToPath(new URL("../../examples/platform/", import.meta.url));

export interface BundleInput {
  readonly service: string;
  /** The service's program folder (services/<name>/app): handler.js, and store.js if any. */
  readonly program: string;
  readonly calls: readonly { readonly name: string; readonly audited: boolean }[];
  /** The port of the service's Kubernetes Service, for the smoke test. */
  readonly servicePort?: number;
  /** Absolute folders in the image where migrations may be, in order. */
  readonly migrationFolders: readonly string[];
}

/** main.js for the service: an ES module (its folder's package.json says "type": "module"). */
export async function bundleProgram(input: BundleInput): Promise<Uint8Array> {
  const handler = join(input.program, "handler.js");
  if (!existsSync(handler)) throw new Error(`${input.program} has no handler.js`);
  const store = join(input.program, "store.js");
  const config = {
    name: input.service,
    calls: input.calls.map((c) => ({ name: c.name, audited: c.audited })),
    ...(input.servicePort !== undefined ? { servicePort: input.servicePort } : {}),
    migrationFolders: input.migrationFolders,
  };
  const entry = [
    'import { main } from "./runtime/main.ts";',
    'import * as handler from "service:handler.js";',
    existsSync(store) ? 'import * as store from "service:store.js";' : "const store = {};",
    `await main({ ...${JSON.stringify(config)}, handler, store });`,
  ].join("\n");
  const result = await build({
    stdin: { contents: entry, resolveDir: exampleRoot, sourcefile: "main.entry.js", loader: "js" },
    absWorkingDir: exampleRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent",
    legalComments: "none",
    // pg's optional native binding is only loaded when asked for (pg.native): never here. Nor is
    // the Postgres parser: the runtime gives the runner its own rule (runtime/migrate.ts).
    external: ["pg-native", "libpg-query"],
    // The bundled CommonJS (pg) calls require(): an ES module has none of its own.
    banner: {
      js: 'import { createRequire as __slipwayRequire } from "node:module";\nconst require = __slipwayRequire(import.meta.url);',
    },
    // handler.js starts its own server when it is the program (`node handler.js`); inside the
    // bundle it is not, whatever import.meta.url says.
    define: { "import.meta.url": JSON.stringify("file:///bundled/handler.js") },
    plugins: [serviceFiles(input.service, input.program)],
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error("esbuild wrote no bundle");
  return file.contents;
}

/** `service:<file>` resolves to the service's program folder, named service:<service>/<file>. */
function serviceFiles(service: string, program: string): Plugin {
  return {
    name: "service-files",
    setup(b) {
      b.onResolve({ filter: /^service:/ }, (args) => ({
        path: `${service}/${args.path.slice("service:".length)}`,
        namespace: "service",
      }));
      b.onResolve({ filter: /^\.\.?\//, namespace: "service" }, (args) => ({
        path: join(dirname(args.importer), args.path),
        namespace: "service",
      }));
      b.onLoad({ filter: /.*/, namespace: "service" }, (args) => {
        const file = join(program, relative(service, args.path));
        return { contents: readFileSync(file, "utf8"), loader: "js", resolveDir: program };
      });
    },
  };
}
