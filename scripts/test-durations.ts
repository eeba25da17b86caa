// Writes test/durations.json (each test file's seconds in the last run, import and hooks included),
// which the test run's sequencer reads to start the slowest files first: `npm run test:durations`
// after a run of the README's test command.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { moduleDurationsFile } from "../test/support/module-durations.ts";

if (!existsSync(moduleDurationsFile)) {
  console.error(`test:durations: no ${moduleDurationsFile}; run the tests first (bash scripts/test.sh)`);
  process.exit(1);
}
const measured = JSON.parse(readFileSync(moduleDurationsFile, "utf8")) as Record<string, number>;
const seconds = Object.fromEntries(Object.entries(measured).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync("test/durations.json", `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`test/durations.json: ${Object.keys(seconds).length} files`);
