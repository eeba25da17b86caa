// bench/cli: how long the installed CLI takes to answer, as CI calls it, against the cheapest
// Node.js process in the same run (`node -e ""`, the floor no Node.js CLI can go below). Runs the
// repository's compiled bin (`npm run build` first), or $SLIPWAY_BIN. Prints the median of
// several runs of each command, in milliseconds and as a ratio to the baseline.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = process.env.SLIPWAY_BIN ?? join(root, "bin", "slipway.js");
const runs = Number(process.argv[2] ?? 9);

const migrations = mkdtempSync(join(tmpdir(), "slipway-bench-cli-"));
writeFileSync(
  join(migrations, "V1__accounts.sql"),
  "create table accounts (id bigserial primary key, name text not null);\n",
);
writeFileSync(
  join(migrations, "V2__accounts_email.sql"),
  "set lock_timeout = '5s';\nalter table accounts add column email text;\n",
);

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly targetMs?: number;
}
const cases: readonly Case[] = [
  { name: `node -e "" (baseline)`, args: ["-e", ""] },
  { name: "slipway --version", args: [bin, "--version"], targetMs: 300 },
  { name: "slipway --help", args: [bin, "--help"], targetMs: 300 },
  {
    name: "slipway migrations check (2 files)",
    args: [bin, "migrations", "check", migrations],
    targetMs: 600,
  },
  {
    name: "slipway validate (the example)",
    args: [bin, "-c", join(root, "examples", "platform", "slipway.config.ts"), "validate"],
    targetMs: 1000,
  },
];

function once(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return ms;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

try {
  // Interleaved, so a burst of load elsewhere on the machine hits every case alike.
  const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
  for (const c of cases) once(c.args); // warm the file cache
  for (let i = 0; i < runs; i++) for (const c of cases) times.get(c)?.push(once(c.args));
  const baseline = median(times.get(cases[0] as Case) ?? []);
  console.log(`bin: ${bin}; median of ${runs} runs each`);
  for (const c of cases) {
    const ms = median(times.get(c) ?? []);
    const target = c.targetMs ? `  (target ≤ ${c.targetMs} ms: ${ms <= c.targetMs ? "met" : "MISSED"})` : "";
    console.log(
      `${c.name.padEnd(38)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / baseline).toFixed(1).padStart(5)}× baseline${target}`,
    );
  }
} finally {
  rmSync(migrations, { recursive: true, force: true });
}
