import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Generous: these guard against a hang, they do not measure speed.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Platform tests share one control plane; files run one at a time to keep a 2-core machine responsive.
    fileParallelism: false,
    reporters: ["default", "json"],
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
          // The platform is started once per run (and reused if already up) before these tests.
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
