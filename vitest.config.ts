import { defineConfig } from "vitest/config";
import LongestFirst from "./test/support/longest-first.ts";

/** Tests that stop a part of the shared platform: nothing else may run beside them. */
const exclusive = ["test/integration/api-outage.test.ts"];

export default defineConfig({
  test: {
    // Generous: these guard against a hang, they do not measure speed.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Platform tests spend their time waiting on the control plane, not on the CPU: four files
    // at a time keep a 2-core machine busy without starving the API server. Each file works in
    // a namespace, databases and audit indices of its own.
    // --conditions: a definition file's `import ... from "slipway"`, loaded inside a test, gets
    // the sources under test (package.json exports), not whatever dist/ was built last.
    poolOptions: { forks: { maxForks: 4, minForks: 1, execArgv: ["--conditions=slipway-source"] } },
    // The slowest files first (test/durations.json): the forks then finish together.
    sequence: { sequencer: LongestFirst },
    reporters: ["default", "json", "./test/support/module-durations.ts"],
    outputFile: { json: ".vitest-report.json" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/platform/**", "test/integration/**", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "platform",
          include: ["test/platform/**/*.test.ts", "test/integration/**/*.test.ts"],
          exclude: [...exclusive, "**/node_modules/**"],
          // The platform is started once per run (and reused if already up) before these tests.
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          // Run on their own (scripts/test.sh runs this project after the others).
          name: "exclusive",
          include: exclusive,
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
