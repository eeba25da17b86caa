// Faults for tests, switched on by SLIPWAY_EXAMPLE_FAULT (several: comma-separated). Each makes
// the program misbehave the way a real one does, and says so in its output.

export const faultVariable = "SLIPWAY_EXAMPLE_FAULT";

export const faultNames = ["exit-at-start", "never-ready", "smoke-fails", "fail-quarter"] as const;
export type Fault = (typeof faultNames)[number];

/** The faults switched on; an unknown name is an error, so a typo in a test cannot pass silently. */
export function parseFaults(value: string | undefined): Set<Fault> {
  const faults = new Set<Fault>();
  for (const name of (value ?? "").split(",").map((s) => s.trim())) {
    if (!name) continue;
    if (!(faultNames as readonly string[]).includes(name))
      throw new Error(`${faultVariable}: no fault "${name}" (there are ${faultNames.join(", ")})`);
    faults.add(name as Fault);
  }
  return faults;
}

/** The words a fault adds to what the program prints. */
export const injected = (fault: Fault): string => `fault ${fault} injected by ${faultVariable}`;

/**
 * fail-quarter: every 4th audited call (the 4th, 8th, …, counted per process) answers 500, so a
 * canary running it fails exactly a quarter of its calls and a test can count on that share.
 * /ready and /healthz stay healthy: only the calls' answers are wrong, as with a real bad release.
 */
export function quarterFailer(): () => boolean {
  let calls = 0;
  return () => ++calls % 4 === 0;
}
