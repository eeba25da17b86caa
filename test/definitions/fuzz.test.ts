import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { copyOfExample, repoRoot, removeScratchMadeHere } from "../support/project.ts";

afterAll(removeScratchMadeHere);

/** The example's files service as plain data, the seed every mutation starts from. */
const seed = {
  name: "files",
  version: "1.4.0",
  image: "files",
  deployment: {
    replicas: 2,
    port: 8080,
    database: "files",
    env: { AUTH_URL: "http://auth", STORAGE_ACCESS_KEY: { secret: "files-storage", key: "access-key" } },
    resources: { requests: { cpu: "250m", memory: "256Mi" } },
    liveness: { http: { path: "/healthz" } },
    configFiles: [{ configMap: "files-config", mountPath: "/etc/files" }],
  },
  service: { port: 80 },
  ingress: { host: "dev.cloud.example.org", path: "/files" },
  configMaps: { "files-config": { files: { "files.yaml": "./config/files.yaml" } } },
  secrets: ["files-storage", "files-tls"],
  cronJobs: { "expire-shares": { schedule: "0 3 * * *", args: ["--run-script", "expire-shares"] } },
  jobs: { reindex: { args: ["--run-script", "reindex"] } },
  migrations: { path: "./migrations", database: "files", mode: "direct" },
  calls: { "files.browse": { request: "./calls/browse.request.json" } },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside the seed. */
function paths(value: Json, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

type Mutation = { kind: "delete" | "replace" | "add"; at: number; value: Json; key: string };

function mutate(base: Json, mutation: Mutation): Json {
  const copy = structuredClone(base);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[mutation.at % all.length] ?? [];
  const parent = path
    .slice(0, -1)
    .reduce<Json>((node, key) => (node as Record<string, Json>)[key] ?? null, copy);
  const last = path[path.length - 1] ?? "";
  if (parent === null || typeof parent !== "object") return copy;
  const target = parent as Record<string, Json>;
  if (mutation.kind === "delete") delete target[last];
  else if (mutation.kind === "replace") target[last] = mutation.value;
  else if (!Array.isArray(parent)) target[mutation.key] = mutation.value;
  return copy;
}

describe("the loader on mutated definitions", () => {
  it("never throws anything but a located DefinitionError", async () => {
    // One service alone keeps each load short; its references all resolve in the example's config.
    const project = copyOfExample(["files"]);
    const file = join(project.root, "services", "files", "service.ts");
    const mutation = fc.record({
      kind: fc.constantFrom("delete", "replace", "add"),
      at: fc.nat(),
      value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      key: fc.string({ minLength: 1, maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const definition = mutations.reduce<Json>((d, m) => mutate(d, m), seed as unknown as Json);
        writeFileSync(file, `export default ${JSON.stringify(definition, null, 2)};\n`);
        try {
          await loadProject(project.config);
        } catch (error) {
          expect(error).toBeInstanceOf(DefinitionError);
          for (const line of (error as DefinitionError).render().split("\n")) {
            expect(line).toMatch(
              /^test\/\.scratch\/example-\w+\/(services\/\w[\w-]*\/service\.ts|slipway\.config\.ts)(: [^\n]+)?: .+/,
            );
          }
        }
      }),
      { numRuns: 40, seed: Number(process.env.SLIPWAY_FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    cpSync(join(repoRoot, "examples", "platform", "services", "files", "service.ts"), file);
  });
});
