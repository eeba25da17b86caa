import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/** Where a run leaves each test file's wall time; `npm run test:durations` turns it into test/durations.json. */
export const moduleDurationsFile = ".vitest-durations.json";

/**
 * Records how long each test file kept its fork busy: import, setup, hooks and tests. The JSON
 * report's start and end span only the tests themselves, so a file that does its work in
 * `beforeAll` looked instant there and the sequencer started it last.
 */
export default class ModuleDurations implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    // The exclusive project runs after the others in the same test command: add to, not replace.
    const seconds: Record<string, number> = existsSync(moduleDurationsFile)
      ? (JSON.parse(readFileSync(moduleDurationsFile, "utf8")) as Record<string, number>)
      : {};
    for (const module of modules) {
      const d = module.diagnostic();
      const total =
        d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
      seconds[relative(process.cwd(), module.moduleId)] = Math.round(total / 1000);
    }
    writeFileSync(moduleDurationsFile, `${JSON.stringify(seconds, null, 2)}\n`);
  }
}
