import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The libraries whose version explains what Slipway does: the cluster client, the SQL parser, ... */
const libraries = ["@kubernetes/client-node", "libpg-query", "@electric-sql/pglite", "esbuild"] as const;

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
}

const readPackage = (file: string): PackageJson => JSON.parse(readFileSync(file, "utf8")) as PackageJson;

// src/cli/ and dist/cli/ are both two folders below the package root.
const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * A library's installed version, found as Node finds the package: node_modules folders from
 * Slipway's own folder up (its main file is not loaded, which would cost start-up time).
 */
function installedVersion(name: string): string {
  for (let dir = packageRoot; ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) return readPackage(file).version ?? "unknown";
    if (dirname(dir) === dir) return "not installed";
  }
}

/** `slipway --version`: Slipway's version, then one line per library that matters. */
export function versionText(): string {
  const own = readPackage(join(packageRoot, "package.json"));
  return [
    `slipway ${own.version ?? "unknown"}`,
    ...libraries.map((name) => `  ${name} ${installedVersion(name)}`),
    `  node ${process.versions.node}`,
  ].join("\n");
}

/** Slipway's own version, for reports that name their tool (SARIF). */
export function slipwayVersion(): string {
  return readPackage(join(packageRoot, "package.json")).version ?? "unknown";
}
