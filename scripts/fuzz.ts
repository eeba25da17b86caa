// Fuzzes the definitions, call schemas and migrations of the example platform (see
// test/support/fuzz.ts): `npm run fuzz -- [--seed N] [--runs N] [--case I]`. Prints the seed,
// the cases per kind, their outcomes and how many came out unmutated; exits 1 with a replay
// command and the input when a case ends in anything but a located error.
import { parseArgs } from "node:util";
import { formatReport, runFuzz, type CaseRun } from "../test/support/fuzz.ts";
import { removeScratchMadeHere } from "../test/support/project.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "20240601" },
    runs: { type: "string", default: "10000" },
    case: { type: "string" },
  },
});
const number = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, found ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
};
const seed = number("seed", values.seed);
const runs = number("runs", values.runs);
const only = values.case === undefined ? undefined : number("case", values.case);

console.log(`fuzz: seed ${seed}, ${only === undefined ? `${runs} cases` : `case ${only} alone`}`);
const started = performance.now();
try {
  const report = await runFuzz({
    seed,
    runs,
    ...(only !== undefined ? { only } : {}),
    // A case replayed alone shows its input: the way to store it under test/fixtures/fuzz-replays.
    ...(only !== undefined
      ? { onCase: (c: CaseRun) => console.log(`case ${c.index} (${c.kind}): ${c.where}\ninput: ${c.input}`) }
      : {}),
    progress: (done) => {
      if (done % 1000 === 0)
        console.log(`  ${done} cases, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    },
  });
  console.log(formatReport(report));
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} finally {
  removeScratchMadeHere();
}
