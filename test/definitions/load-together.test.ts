import { afterAll, describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

// A project's service files are compiled together, in one esbuild pass, and evaluated one by one:
// each file still loads, fails and is located on its own, as it did with one pass per file.
afterAll(removeScratchMadeHere);

const minimal = (name: string, version = `"1.0.0"`): string =>
  service(`{ name: "${name}", version: ${version}, image: "${name}", deployment: { port: 8080 } }`);

/** A project of `count` minimal services (svc-000, ...), with some files replaced. */
function manyServices(
  count: number,
  replaced: Record<string, string> = {},
): { root: string; config: string } {
  const files: Record<string, string> = { "slipway.config.ts": minimalConfig };
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    files[`services/${name}/service.ts`] = minimal(name);
  }
  return scratchProject({ ...files, ...replaced });
}

async function problemsOf(config: string): Promise<string[]> {
  const error = await loadProject(config).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  const rendered = (error as DefinitionError).render();
  expect(rendered).not.toMatch(/\n\s+at /);
  return rendered.split("\n");
}

const versions = (project: ProjectModel): Record<string, string> =>
  Object.fromEntries((project.services.get("dev") ?? []).map((s) => [s.spec.name, s.spec.version]));

describe("a thousand service files", () => {
  it("all load", async () => {
    const project = await loadProject(manyServices(1000).config);
    expect(project.services.get("dev")).toHaveLength(1000);
    expect(project.services.get("prod")).toHaveLength(1000);
  });

  it("a syntax error in the 700th is located to its file and line, and only it is refused", async () => {
    const p = manyServices(1000, {
      "services/svc-699/service.ts": `import { defineService } from "slipway";\nexport default defineService({ name: "svc-699", version: "1" image: "svc-699" });\n`,
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /^\S*services\/svc-699\/service\.ts: cannot be loaded: \S*services\/svc-699\/service\.ts:2:\d+: ERROR: Expected "}" but found "image"$/,
      ),
    ]);
  });

  it("a function that throws in the 700th is located to its field", async () => {
    const p = manyServices(1000, {
      "services/svc-699/service.ts": minimal("svc-699", `() => { throw new Error("no version today"); }`),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /^\S*services\/svc-699\/service\.ts: version: threw while computing its value: no version today$/,
      ),
    ]);
  });

  it("a wrong field in the 700th is located to its field", async () => {
    const p = manyServices(1000, {
      "services/svc-699/service.ts": service(
        `{ name: "svc-699", version: "1.0.0", image: "svc-699", deployment: { port: "8080" } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /^\S*services\/svc-699\/service\.ts: deployment\.port: expected number, found string "8080"/,
      ),
    ]);
  });
});

describe("service files compiled together", () => {
  it("keep their own top-level names: two files declaring the same ones do not collide", async () => {
    const sameNames = (name: string, version: string): string =>
      [
        `import { defineService } from "slipway";`,
        `const name = "${name}";`,
        `export const version = "${version}";`,
        `function image(): string { return name + "-image"; }`,
        `export default defineService({ name, version, image: image(), deployment: { port: 8080 } });`,
      ].join("\n");
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/a/service.ts": sameNames("a", "1.0.0"),
      "services/b/service.ts": sameNames("b", "2.0.0"),
    });
    const project = await loadProject(p.config);
    expect(versions(project)).toEqual({ a: "1.0.0", b: "2.0.0" });
    expect(project.services.get("dev")?.map((s) => s.spec.image)).toEqual(["a-image", "b-image"]);
  });

  it("share a helper they import, evaluated once per load as Node evaluates a module once", async () => {
    const key = `slipwayLoadTogether${Date.now()}`;
    const counted = (name: string): string =>
      [
        `import { defineService } from "slipway";`,
        `import { evaluations } from "../../lib/count.ts";`,
        `export default defineService({ name: "${name}", version: String(evaluations), image: "${name}", deployment: { port: 8080 } });`,
      ].join("\n");
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "lib/count.ts": `const g = globalThis as Record<string, number>;\nexport const evaluations = (g[${JSON.stringify(key)}] = (g[${JSON.stringify(key)}] ?? 0) + 1);\n`,
      "services/a/service.ts": counted("a"),
      "services/b/service.ts": counted("b"),
    });
    expect(versions(await loadProject(p.config))).toEqual({ a: "1", b: "1" });
  });

  it("may await at the top level", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/a/service.ts": minimal("a", "await Promise.resolve(`3.0.0`)"),
      "services/b/service.ts": minimal("b"),
    });
    expect(versions(await loadProject(p.config))).toEqual({ a: "3.0.0", b: "1.0.0" });
  });

  it("a file that throws while it is evaluated fails alone", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/a/service.ts": minimal("a"),
      "services/b/service.ts": `throw new Error("b cannot start");\n${minimal("b")}`,
      "services/c/service.ts": minimal("c"),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(/^\S*services\/b\/service\.ts: cannot be loaded: b cannot start$/),
    ]);
  });

  it("a helper that throws fails each file that imports it, and no other", async () => {
    const importing = (name: string): string => `import "../../lib/broken.ts";\n${minimal(name)}`;
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "lib/broken.ts": `throw new Error("the helper broke");\n`,
      "services/a/service.ts": importing("a"),
      "services/b/service.ts": minimal("b"),
      "services/c/service.ts": importing("c"),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(/^\S*services\/a\/service\.ts: cannot be loaded: the helper broke$/),
      expect.stringMatching(/^\S*services\/c\/service\.ts: cannot be loaded: the helper broke$/),
    ]);
  });

  it("a helper that does not compile fails each file that imports it, located in the helper", async () => {
    const importing = (name: string): string =>
      `import { version } from "../../lib/version.ts";\n${minimal(name, "version")}`;
    const files: Record<string, string> = {
      "slipway.config.ts": minimalConfig,
      "lib/version.ts": `export const version = "1.0.0" +;\n`,
    };
    for (let i = 0; i < 40; i++) {
      const name = `svc-${String(i).padStart(3, "0")}`;
      files[`services/${name}/service.ts`] = i === 5 || i === 31 ? importing(name) : minimal(name);
    }
    const p = scratchProject(files);
    expect(await problemsOf(p.config)).toEqual(
      ["svc-005", "svc-031"].map((name) =>
        expect.stringMatching(
          new RegExp(
            `^\\S*services/${name}/service\\.ts: cannot be loaded: \\S*lib/version\\.ts:1:\\d+: ERROR: Unexpected ";"$`,
          ),
        ),
      ),
    );
  });

  it("each of several files that do not compile is located to itself", async () => {
    const broken = (name: string): string =>
      `import { defineService } from "slipway";\n\nexport default defineService({ name: "${name}" version: "1" });\n`;
    const p = manyServices(300, {
      "services/svc-010/service.ts": broken("svc-010"),
      "services/svc-200/service.ts": broken("svc-200"),
      "services/svc-201/service.ts": `import { defineService } from "slipway";\nimport { nothing } from "./missing.ts";\nexport default defineService(nothing);\n`,
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /^\S*services\/svc-010\/service\.ts: cannot be loaded: \S*services\/svc-010\/service\.ts:3:\d+: ERROR: Expected "}" but found "version"$/,
      ),
      expect.stringMatching(
        /^\S*services\/svc-200\/service\.ts: cannot be loaded: \S*services\/svc-200\/service\.ts:3:\d+: ERROR: Expected "}" but found "version"$/,
      ),
      expect.stringMatching(
        /^\S*services\/svc-201\/service\.ts: cannot be loaded: \S*services\/svc-201\/service\.ts:2:\d+: ERROR: Could not resolve "\.\/missing\.ts"$/,
      ),
    ]);
  });
});
