// Writes test/durations.json (each test file's seconds in the last run's report), which the test
// run's sequencer reads to start the slowest files first: `npm run test:durations` after a run.
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";

interface Report {
  readonly testResults: readonly {
    readonly name: string;
    readonly startTime: number;
    readonly endTime: number;
  }[];
}
const report = JSON.parse(readFileSync(".vitest-report.json", "utf8")) as Report;
const seconds = Object.fromEntries(
  report.testResults
    .map((t) => [relative(process.cwd(), t.name), Math.round((t.endTime - t.startTime) / 1000)] as const)
    .sort(([a], [b]) => a.localeCompare(b)),
);
writeFileSync("test/durations.json", `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`test/durations.json: ${Object.keys(seconds).length} files`);
