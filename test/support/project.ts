import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Scratch folders this test process made: removed by it alone, never another file's. */
const madeHere: string[] = [];
export function removeScratchMadeHere(): void {
  for (const dir of madeHere.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const exampleConfig = join(repoRoot, "examples", "platform", "slipway.config.ts");

/**
 * A scratch project inside the repository (so `import ... from "slipway"` resolves),
 * made of the files given, path → content.
 */
export function scratchProject(files: Record<string, string>): { root: string; config: string } {
  const base = join(repoRoot, "test", ".scratch");
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, "project-"));
  madeHere.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, config: join(root, "slipway.config.ts") };
}

/** A copy of the example platform (or of some of its services) to break on purpose. */
export function copyOfExample(onlyServices?: readonly string[]): { root: string; config: string } {
  const base = join(repoRoot, "test", ".scratch");
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, "example-"));
  madeHere.push(root);
  const example = join(repoRoot, "examples", "platform");
  if (!onlyServices) cpSync(example, root, { recursive: true });
  else {
    cpSync(join(example, "slipway.config.ts"), join(root, "slipway.config.ts"));
    for (const name of onlyServices)
      cpSync(join(example, "services", name), join(root, "services", name), { recursive: true });
  }
  return { root, config: join(root, "slipway.config.ts") };
}

export const minimalConfig = `import { defineProject, defineEnvironment } from "slipway";
export default defineProject({
  name: "demo",
  environments: [
    defineEnvironment({
      name: "dev",
      cluster: { context: "local", namespace: "demo-dev", flavour: "k3s" },
      registry: { host: "127.0.0.1:25000", repositoryPrefix: "demo" },
      databases: { main: { secret: "main-db" } },
    }),
    defineEnvironment({
      name: "prod",
      cluster: { context: "local", namespace: "demo-prod", flavour: "rancher" },
      registry: { host: "127.0.0.1:25000", repositoryPrefix: "demo" },
      defaults: { replicas: 2 },
      databases: { main: { secret: "main-db" } },
    }),
  ],
});
`;

export const service = (body: string): string =>
  `import { defineService } from "slipway";\nexport default defineService(${body});\n`;

/** The rendered problems of a project that must not load, one per line. */
export async function definitionProblems(config: string): Promise<string[]> {
  const error = await loadProject(config).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DefinitionError))
    throw new Error(`${config} loaded, or failed otherwise: ${String(error)}`);
  return error.render().split("\n");
}
