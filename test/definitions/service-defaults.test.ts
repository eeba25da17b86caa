import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { afterAll, expect, it } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject } from "../support/project.ts";

// Defaults every service shares are a module of the project that services import and spread (the
// example of "Defaults every service shares" in docs/guides/definitions.md, written here as it is there): it loads, a service
// overrides a default after the spread, and the compiler checks the services that use it.
afterAll(removeScratchMadeHere);

const platform = `export const standard = {
  command: ["/app/bin/start"],
  liveness: { http: { path: "/healthz" } },
  readiness: { http: { path: "/ready" } },
};
export const tokenValidation = { configMap: "token-validation", mountPath: "/etc/token-validation" };
`;

const mail = `import { defineService } from "slipway";
import { standard, tokenValidation } from "../../lib/platform.ts";

export default defineService({
  name: "mail",
  version: "0.9.2",
  image: "mail",
  dependsOn: ["auth"],
  deployment: { ...standard, port: 8080, readiness: { tcp: {} }, configFiles: [tokenValidation] },
});
`;

const auth = `import { defineService } from "slipway";
import { standard, tokenValidation } from "../../lib/platform.ts";

export default defineService({
  name: "auth",
  version: "1.0.0",
  image: "auth",
  deployment: { ...standard, port: 8080, configFiles: [tokenValidation] },
  configMaps: { "token-validation": { shared: true, data: { audience: "research-cloud" } } },
});
`;

const files = {
  "slipway.config.ts": minimalConfig,
  "lib/platform.ts": platform,
  "services/mail/service.ts": mail,
  "services/auth/service.ts": auth,
};

it("services spread the project's defaults and override them after the spread", async () => {
  const project = await loadProject(scratchProject(files).config);
  const deployment = (name: string) =>
    project.services.get("prod")?.find((s) => s.spec.name === name)?.spec.deployment;
  for (const name of ["auth", "mail"]) {
    expect(deployment(name)?.command).toEqual(["/app/bin/start"]);
    expect(deployment(name)?.liveness).toEqual({ http: { path: "/healthz" } });
    expect(deployment(name)?.configFiles).toEqual([
      { configMap: "token-validation", mountPath: "/etc/token-validation" },
    ]);
  }
  expect(deployment("auth")?.readiness).toEqual({ http: { path: "/ready" } });
  expect(deployment("mail")?.readiness).toEqual({ tcp: {} });
});

it("type-checks: the compiler sees the defaults as definition fields", () => {
  const { root } = scratchProject({
    ...files,
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        verbatimModuleSyntax: true,
        types: ["node"],
        customConditions: ["slipway-source"],
      },
      include: ["**/*.ts"],
    }),
  });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  let output = "";
  try {
    execFileSync(process.execPath, [tsc, "-p", root], { encoding: "utf8" });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  expect(output.split("\n").filter((line) => line.includes("error TS"))).toEqual([]);
});
