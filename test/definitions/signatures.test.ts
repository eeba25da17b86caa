// An environment's signature keys, as loading checks them: a required signature or provenance
// check needs keys, and a key is inline PEM or a file, nothing else.
import { afterAll, describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

const api = {
  "services/api/service.ts": service(`{ name: "api", version: "1", image: "api", deployment: {} }`),
};
const withProd = (fields: string): string =>
  minimalConfig.replace("defaults: { replicas: 2 },", `defaults: { replicas: 2 },\n      ${fields}`);

async function problemsOf(config: string): Promise<string[]> {
  const error = await loadProject(config).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  return (error as DefinitionError).render().split("\n");
}

describe("signature keys in the definitions", () => {
  it("refuses requiring signature or provenance without keys, at the field that says so", async () => {
    const p = scratchProject({
      "slipway.config.ts": withProd('requires: ["image", "signature", "provenance"],'),
      ...api,
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /environments\[1\]\.requires\[1\]: requires the signature check, but environment "prod" names no keys its images are signed with \(add signatures: \{ keys: \[\{ name: "ci", file: "keys\/ci\.pub" \}\] \}\)$/,
      ),
      expect.stringMatching(
        /environments\[1\]\.requires\[2\]: requires the provenance check, but environment "prod"/,
      ),
    ]);
  });

  it("loads keys given as a file or inline PEM, and refuses a key that is neither", async () => {
    const ok = scratchProject({
      "slipway.config.ts": withProd(
        'requires: ["signature", "provenance"],\n      signatures: { keys: [{ name: "ci", file: "keys/ci.pub" }, { name: "old", publicKey: "-----BEGIN PUBLIC KEY-----\\nx\\n-----END PUBLIC KEY-----" }] },',
      ),
      ...api,
    });
    const project = await loadProject(ok.config);
    expect(project.environments[1]?.signatures?.keys.map((k) => k.name)).toEqual(["ci", "old"]);
    const bad = scratchProject({
      "slipway.config.ts": withProd(
        'signatures: { keys: [{ name: "ci", url: "https://keys.example.org/ci.pub" }] },',
      ),
      ...api,
    });
    expect((await problemsOf(bad.config)).join("\n")).toMatch(/environments\[1\]\.signatures\.keys\[0\]/);
  });
});
