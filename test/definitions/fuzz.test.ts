import { afterAll, describe, expect, it } from "vitest";
import { formatReport, runFuzz } from "../support/fuzz.ts";
import { removeScratchMadeHere } from "../support/project.ts";

afterAll(removeScratchMadeHere);

/** The seed of `npm run fuzz`; CI runs its first 500 cases. */
const seed = 20240601;

describe("the fuzz harness (npm run fuzz)", () => {
  it("ends 500 mutated definitions, call schemas and migrations accepted or as located errors", async () => {
    const report = await runFuzz({ seed: Number(process.env.SLIPWAY_FUZZ_SEED ?? seed), runs: 500 });
    expect(report.failures, formatReport(report, "npm run fuzz --")).toEqual([]);
    expect(Object.values(report.cases).reduce((a, b) => a + b, 0)).toBe(500);
    for (const kind of Object.keys(report.cases) as (keyof typeof report.cases)[])
      expect(report.cases[kind], kind).toBeGreaterThan(0);
  });

  it("replays the cases that once crashed the loader", async () => {
    // 1: a config that contains itself; 28: a service that does; 310: a function that threw
    // undefined; 323: a bigint; 1121: a config file path naming a folder; 4425: a bigint schema type.
    for (const only of [1, 28, 310, 323, 1121, 4425]) {
      const report = await runFuzz({ seed, runs: 1, only });
      expect(report.failures, formatReport(report)).toEqual([]);
    }
  });
});
