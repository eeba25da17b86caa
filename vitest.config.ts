import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The platform is started once per run (and reused if already up) before any test.
    globalSetup: ["test/support/global-setup.ts"],
    // Generous: these guard against a hang, they do not measure speed.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Tests share one control plane; files run one at a time to keep a 2-core machine responsive.
    fileParallelism: false,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
  },
});
