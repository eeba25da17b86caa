import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { afterAll, expect, it } from "vitest";
import { removeScratchMadeHere, scratchProject } from "../support/project.ts";

// Environment values are typed by the project's own declaration (declaration merging), so only
// the compiler can prove it: this runs tsc on a project that declares them. Each line under an
// expect-error directive must fail to compile (tsc reports an unused directive otherwise), and the one
// unmarked mistake must be the only error, so a check that accepted everything would fail here.
afterAll(removeScratchMadeHere);

/** On one line, so that a @ts-expect-error above it covers all of it. */
const environment = (values: string): string =>
  `defineEnvironment({ name: "dev", cluster: { context: "local", namespace: "research-dev", flavour: "k3s" }, registry: { host: "127.0.0.1:25000", repositoryPrefix: "research" }, ${values} })`;

const declared = `import { defineEnvironment, defineService } from "slipway";

declare module "slipway" {
  interface EnvironmentValues {
    domain: string;
    scale: number;
    features: { wayf: boolean };
  }
}

export const good = ${environment('values: { domain: "cloud.example.org", scale: 3, features: { wayf: true } },')};
// @ts-expect-error a value of the wrong type
export const wrongType = ${environment("values: { domain: 3, scale: 3, features: { wayf: true } },")};
// @ts-expect-error a declared value missing
export const missingValue = ${environment('values: { domain: "cloud.example.org", features: { wayf: true } },')};
// @ts-expect-error no values at all, though the project declares them
export const noValues = ${environment("")};

export default defineService({
  name: "files",
  version: "1.0.0",
  image: "files",
  deployment: {
    replicas: (env) => env.values.scale,
    env: {
      WAYF: (env) => String(env.values.features.wayf),
      REPLICAS_DEFAULT: (env) => String(env.defaults.replicas ?? 1),
      // @ts-expect-error a value the project does not declare
      NOPE: (env) => env.values.nope,
      // @ts-expect-error a string is not a number of replicas
      SCALE: (env) => env.values.scale,
    },
  },
  ingress: {
    host: (env) => {
      const domain: string = env.values.domain;
      // @ts-expect-error the values are read-only: one service cannot change them for the next
      env.values.features.wayf = false;
      return domain;
    },
    path: "/files",
  },
});
`;

const withParameters = `import { defineService } from "slipway";

export default defineService({
  name: "auth",
  version: "1.0.0",
  image: "auth",
  parameters: {
    wayfEnabled: { type: "boolean", default: false },
    sessionMinutes: { type: "number", required: true },
    tosVersion: { type: "integer", default: 1 },
    theme: { type: "string" },
    apiToken: { type: "string", secret: true, required: true },
    optionalToken: { type: "string", secret: true },
  },
  deployment: {
    replicas: (env, params) => (params.wayfEnabled ? params.sessionMinutes : 1),
    env: {
      THEME: (env, params) => params.theme ?? "plain",
      TOS: (env, params) => String(params.tosVersion),
      // @ts-expect-error an integer reaches functions as a number
      TOS_UNCHECKED: (env, params) => params.tosVersion,
      // @ts-expect-error an optional parameter without a default may be undefined
      THEME_UNCHECKED: (env, params) => params.theme,
      // @ts-expect-error a boolean is not an environment variable's value
      WAYF: (env, params) => params.wayfEnabled,
      // A secret one is a reference to the Secret the deploy writes: an env value as it is.
      TOKEN: (env, params) => params.apiToken,
      // @ts-expect-error a secret one is never its value
      TOKEN_TEXT: (env, params): string => params.apiToken,
      // @ts-expect-error an optional secret one may be undefined
      OPTIONAL_TOKEN: (env, params) => params.optionalToken,
      // @ts-expect-error no such parameter
      NOPE: (env, params) => params.nope,
    },
  },
});
`;

const unmarkedMistake = `import { defineEnvironment } from "slipway";
export const env = ${environment('values: { domain: "cloud.example.org", scale: "three", features: { wayf: true } },')};
`;

it("type-checks environment values against the project's declaration, and parameters against the service's", () => {
  const { root } = scratchProject({
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
        // "slipway" resolves to the sources under test, as in this repository's own tsconfig.
        customConditions: ["slipway-source"],
      },
      include: ["*.ts"],
    }),
    "declared.ts": declared,
    "parameters.ts": withParameters,
    "mistake.ts": unmarkedMistake,
  });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  let output = "";
  try {
    execFileSync(process.execPath, [tsc, "-p", root], { encoding: "utf8" });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  const errors = output.split("\n").filter((line) => line.includes("error TS"));
  expect(errors).toEqual([
    expect.stringMatching(
      /mistake\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    ),
  ]);
});
