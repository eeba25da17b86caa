import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { DefinitionLoader } from "../../src/definitions/import-module.ts";
import { loadProjectWith } from "../../src/definitions/load.ts";
import { copyOfExample, removeScratchMadeHere } from "../support/project.ts";

afterAll(removeScratchMadeHere);

/** The example project, its definitions imported once, each test changing one of them in memory. */
async function example(): Promise<{
  root: string;
  load: (change: (defs: Map<string, Record<string, unknown>>) => void) => Promise<DefinitionError>;
}> {
  const { root, config } = copyOfExample(["auth"]);
  const loader = new DefinitionLoader();
  const files = [config, join(root, "services", "auth", "service.ts")];
  const originals = new Map<string, unknown>();
  for (const f of files) originals.set(f, await loader.importDefault(f));
  await loader.close();
  return {
    root,
    load: async (change) => {
      const defs = new Map(
        [...originals].map(([f, d]) => [f, structuredCloneWithFunctions(d) as Record<string, unknown>]),
      );
      change(defs);
      const error = await loadProjectWith(config, async (f) => defs.get(f)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DefinitionError);
      for (const p of (error as DefinitionError).problems)
        expect(p.file).toMatch(/(service|slipway\.config)\.ts$/);
      return error as DefinitionError;
    },
  };
}

function structuredCloneWithFunctions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCloneWithFunctions);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structuredCloneWithFunctions(v)]));
  return value;
}

describe("definitions the fuzzer found crashing the loader", () => {
  const service = (defs: Map<string, Record<string, unknown>>): Record<string, unknown> =>
    [...defs.entries()].find(([f]) => f.endsWith("service.ts"))?.[1] ?? {};
  const config = (defs: Map<string, Record<string, unknown>>): Record<string, unknown> =>
    [...defs.entries()].find(([f]) => f.endsWith("slipway.config.ts"))?.[1] ?? {};

  it("a function that throws something other than an Error is a problem at its field", async () => {
    const { load } = await example();
    const error = await load((defs) => {
      service(defs).version = () => {
        throw undefined;
      };
    });
    expect(error.render()).toMatch(/service\.ts: version: threw while computing its value: \(nothing\)/);
  });

  it("a bigint is described, not serialised", async () => {
    const { load } = await example();
    const error = await load((defs) => {
      service(defs).version = 1n;
      service(defs).secrets = [2n];
    });
    expect(error.render()).toMatch(/version: expected string, found bigint 1n/);
  });

  it('an empty name in a request schema\'s required is a problem at its place, not a field named ""', async () => {
    const { load } = await example();
    const error = await load((defs) => {
      service(defs).calls = {
        "auth.refresh": {
          request: { type: "object", properties: { owner: { type: "object", required: ["id", ""] } } },
        },
      };
    });
    expect(error.render()).toContain(
      'calls.auth.refresh.request: at /properties/owner/required/1: required lists "", which is no field name: give the name of a property, or remove the entry',
    );
  });

  it("a bigint as an inline request schema's type is a problem at the call", async () => {
    const { load } = await example();
    const error = await load((defs) => {
      service(defs).calls = { "auth.refresh": { request: { type: 1n } } };
    });
    expect(error.render()).toMatch(
      /calls\.auth\.refresh\.request: a request schema must describe an object \(found type 1n\)/,
    );
  });

  it("a definition that contains itself is a problem, not a stack overflow", async () => {
    const { load } = await example();
    const error = await load((defs) => {
      const s = service(defs);
      (s.deployment as Record<string, unknown>).resources = s;
      const envs = config(defs).environments as Record<string, unknown>[];
      if (envs[1]) envs[1].name = envs;
    });
    expect(error.render()).toMatch(/deployment\.resources: contains itself/);
    expect(error.render()).toMatch(
      /environments\[1\]\.name: expected string, found an array \(a value that contains itself\)/,
    );
  });

  it("a function that keeps returning functions is a problem", async () => {
    const { load } = await example();
    const error = await load((defs) => {
      const forever = (): unknown => forever;
      service(defs).image = forever;
    });
    expect(error.render()).toMatch(/image: returned a function 10 times over/);
  });

  it("a file path naming a folder is a problem, and a folder named like a migration is not a migration", async () => {
    const { root, load } = await example();
    mkdirSync(join(root, "services", "auth", "migrations", "V9__folder.sql"));
    const error = await load((defs) => {
      service(defs).configMaps = { "auth-config": { files: { "a.yaml": "../.." } } };
    });
    expect(error.render()).toMatch(
      /configMaps\.auth-config\.files\.a\.yaml: \.\.\/\.\. cannot be read .*EISDIR/,
    );
    expect(error.render()).not.toMatch(/V9__folder/);
  });
});
