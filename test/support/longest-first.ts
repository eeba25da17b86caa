import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Runs the slowest test files first, by the durations of a recorded run (test/durations.json,
 * written by `npm run test:durations` from the last report), so that four forks end together
 * instead of one long file starting last. A clean clone has no vitest cache to sort by, which is
 * how CI always starts. A file not listed yet counts as slow if it talks to the platform.
 */
export default class LongestFirst extends BaseSequencer {
  private readonly seconds: Readonly<Record<string, number>> = JSON.parse(
    readFileSync(new URL("../durations.json", import.meta.url), "utf8"),
  ) as Record<string, number>;

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cost = (file: TestSpecification): number => {
      const path = relative(root, file.moduleId);
      return this.seconds[path] ?? (/test\/(integration|platform)\//.test(path) ? 60 : 1);
    };
    return [...files].sort((a, b) => cost(b) - cost(a));
  }
}
