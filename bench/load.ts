// bench/load: how long `slipway validate` takes on a generated project of 100, 300 and 1,000
// minimal services, as a user's shell runs it (process start to exit), against the cheapest Node.js
// process (`node -e 0`) and the binary's `--version` in the same run. Runs the repository's
// compiled bin (`npm run build` first), or $SLIPWAY_BIN. Prints the median of several runs of
// each, the cost per service above `--version`, and the ratios to the bare start.
//   npm run bench:load [-- runs [size ...]]
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { generatedProject } from "./support/generated-project.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = process.env.SLIPWAY_BIN ?? join(root, "bin", "slipway.js");
const runs = Number(process.argv[2] ?? 5);
const sizes = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [100, 300, 1000];
const targetMs = 1000;

const projects = new Map(
  sizes.map((count) => [
    count,
    generatedProject(
      count,
      `{ name: "bench", environments: [defineEnvironment({
  name: "bench", cluster: { context: "local", namespace: "bench", flavour: "k3s" },
  registry: { host: "registry.example.org", repositoryPrefix: "bench" } })] }`,
      (name) => `{ name: "${name}", version: "1.0.0", image: "${name}", deployment: { port: 8080 } }`,
    ).config,
  ]),
);

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly services?: number;
}
const cases: readonly Case[] = [
  { name: "node -e 0 (bare start)", args: ["-e", "0"] },
  { name: "slipway --version", args: [bin, "--version"] },
  ...sizes.map((count) => ({
    name: `slipway validate (${count} services)`,
    args: [bin, "-c", projects.get(count) ?? "", "validate"],
    services: count,
  })),
];

function once(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return ms;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

// Interleaved, so a burst of load elsewhere on the machine hits every case alike.
const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (const c of cases) once(c.args); // warm the file cache
for (let i = 0; i < runs; i++) for (const c of cases) times.get(c)?.push(once(c.args));
const bare = median(times.get(cases[0] as Case) ?? []);
const version = median(times.get(cases[1] as Case) ?? []);
console.log(`bin: ${bin}; median of ${runs} runs each`);
for (const c of cases) {
  const ms = median(times.get(c) ?? []);
  const perService =
    c.services !== undefined ? `  ${((ms - version) / c.services).toFixed(2).padStart(5)} ms/service` : "";
  const target =
    c.services === 1000 ? `  (target < ${targetMs} ms: ${ms < targetMs ? "met" : "MISSED"})` : "";
  console.log(
    `${c.name.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / bare).toFixed(1).padStart(5)}× bare start${perService}${target}`,
  );
}
