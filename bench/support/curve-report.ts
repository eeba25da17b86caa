import { cpus, loadavg } from "node:os";
import { lineChartSvg, type Series } from "./curve-svg.ts";
import type { ToolFigure } from "./deploy-anchors.ts";
import type { SlipwayRun } from "./slipway-run.ts";

/** Every figure of one size; a tool left out (--tools, --helm-max) has none. */
export interface SizeResult {
  readonly services: number;
  readonly objects: number;
  readonly kinds: number;
  readonly parallel: number;
  slipwayPlan?: SlipwayRun;
  slipwayNoop?: SlipwayRun;
  slipwayFull?: SlipwayRun;
  floor?: ToolFigure;
  kubectlNoop?: ToolFigure;
  helmNoop?: ToolFigure;
  helmFull?: ToolFigure;
  kappPlan?: ToolFigure;
  kappNoop?: ToolFigure;
  kappFull?: ToolFigure;
}

type Figure = Pick<ToolFigure, "ms" | "requests" | "maxRssBytes">;

const n = (value: number): string => Math.round(value).toLocaleString("en-US");
const s = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
const cell = (f: Figure | undefined): string => (f ? `${s(f.ms)}, ${n(f.requests)} req` : "—");
const ratio = (a: Figure | undefined, b: Figure | undefined): string =>
  a && b ? (a.ms / b.ms).toFixed(2) : "—";

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** The request kinds a run made most, per service: what grows with services shows here. */
const topRequests = (
  run: { readonly byRequest: Readonly<Record<string, number>> },
  services: number,
): string =>
  Object.entries(run.byRequest)
    .slice(0, 8)
    .map(([key, count]) => `${key} ${count} (${(count / services).toFixed(2)}/service)`)
    .join("; ");

function table(r: SizeResult): string {
  const rows: string[][] = [];
  if (r.slipwayFull || r.slipwayPlan)
    rows.push([
      "Slipway",
      cell(r.slipwayPlan),
      cell(r.slipwayNoop),
      cell(r.slipwayFull),
      ratio(r.slipwayFull, r.floor),
      [r.slipwayFull, r.slipwayPlan].map((f) => (f ? mb(f.maxRssBytes) : "—")).join(" / "),
    ]);
  if (r.floor)
    rows.push([
      "control plane floor (kubectl apply all, wait Available)",
      "—",
      "—",
      cell(r.floor),
      "1.00",
      mb(r.floor.maxRssBytes),
    ]);
  if (r.kubectlNoop)
    rows.push([
      "kubectl apply --server-side",
      "—",
      cell(r.kubectlNoop),
      "(the floor)",
      "—",
      mb(r.kubectlNoop.maxRssBytes),
    ]);
  if (r.helmFull)
    rows.push([
      `Helm upgrade --install --wait, ${r.parallel} at a time`,
      "—",
      cell(r.helmNoop),
      cell(r.helmFull),
      ratio(r.helmFull, r.floor),
      `${mb(Math.max(r.helmFull.maxRssBytes, r.helmNoop?.maxRssBytes ?? 0))} each`,
    ]);
  if (r.kappFull)
    rows.push([
      "kapp deploy (plan: --diff-run)",
      cell(r.kappPlan),
      cell(r.kappNoop),
      cell(r.kappFull),
      ratio(r.kappFull, r.floor),
      mb(Math.max(r.kappFull.maxRssBytes, r.kappNoop?.maxRssBytes ?? 0)),
    ]);
  const load = r.slipwayPlan
    ? `; loading the definitions (tsx, ${r.services} files): ${s(r.slipwayPlan.loadMs)}, not in the figures`
    : "";
  return [
    "",
    `${n(r.services)} services, ${n(r.objects)} objects, ${r.kinds} kinds, parallel ${r.parallel}${load}`,
    markdownTable(
      [
        "tool",
        "no-op plan",
        "no-op deploy",
        "full deploy from empty",
        "full / floor",
        "peak memory (full / plan)",
      ],
      rows,
    ),
    ...(r.slipwayPlan ? [`Slipway no-op plan requests: ${topRequests(r.slipwayPlan, r.services)}`] : []),
    ...(r.slipwayNoop ? [`Slipway no-op deploy requests: ${topRequests(r.slipwayNoop, r.services)}`] : []),
    ...(r.slipwayFull ? [`Slipway full deploy requests: ${topRequests(r.slipwayFull, r.services)}`] : []),
    ...(r.floor ? [`control plane floor requests: ${topRequests(r.floor, r.services)}`] : []),
    ...(r.kappFull ? [`kapp full deploy requests: ${topRequests(r.kappFull, r.services)}`] : []),
  ].join("\n");
}

interface Line {
  readonly name: string;
  /** Drawn solid (a full deploy), dashed (a no-op deploy) or dotted (a no-op plan). */
  readonly style: "full" | "no-op" | "plan";
  readonly color: string;
  readonly pick: (r: SizeResult) => Figure | undefined;
}

const slipwayBlue = "#1f77b4";
const helmOrange = "#ff7f0e";
const kappGreen = "#2ca02c";
const lines: readonly Line[] = [
  { name: "Slipway no-op plan", style: "plan", color: slipwayBlue, pick: (r) => r.slipwayPlan },
  { name: "Slipway no-op deploy", style: "no-op", color: slipwayBlue, pick: (r) => r.slipwayNoop },
  { name: "Slipway full deploy", style: "full", color: slipwayBlue, pick: (r) => r.slipwayFull },
  { name: "control plane floor", style: "full", color: "#222222", pick: (r) => r.floor },
  { name: "kubectl apply (no-op)", style: "no-op", color: "#7f7f7f", pick: (r) => r.kubectlNoop },
  { name: "Helm no-op upgrade", style: "no-op", color: helmOrange, pick: (r) => r.helmNoop },
  { name: "Helm full install", style: "full", color: helmOrange, pick: (r) => r.helmFull },
  { name: "kapp --diff-run (no-op)", style: "plan", color: kappGreen, pick: (r) => r.kappPlan },
  { name: "kapp no-op deploy", style: "no-op", color: kappGreen, pick: (r) => r.kappNoop },
  { name: "kapp full deploy", style: "full", color: kappGreen, pick: (r) => r.kappFull },
];

/** Every figure that has a value at two sizes or more: what the growth summary and the plot read. */
const seriesOf = (results: readonly SizeResult[]): Line[] =>
  lines.filter((x) => results.filter((r) => x.pick(r)).length >= 2);

/** The log-log slope between the smallest and the largest size: 1 is linear, above 1 worse. */
const slope = (x0: number, y0: number, x1: number, y1: number): number =>
  y0 > 0 && y1 > 0 ? Math.log(y1 / y0) / Math.log(x1 / x0) : Number.NaN;
/** From the per-object cost at the largest size over the smallest (10 % either way is linear) and the slope. */
const verdict = (growth: number, k: number): string =>
  !Number.isFinite(growth)
    ? "—"
    : growth > 1.1
      ? "FASTER THAN LINEAR"
      : growth >= 0.9
        ? "linear"
        : k > 0.1
          ? "sublinear"
          : "constant";

function growth(results: readonly SizeResult[]): string {
  if (results.length < 2) return "\n(one size: no growth to report)";
  const rows: string[][] = [];
  for (const { name, pick } of seriesOf(results)) {
    const at = results.filter((r) => pick(r));
    const first = at[0]!;
    const last = at.at(-1)!;
    for (const [what, value, unit] of [
      ["wall", (f: Figure) => f.ms, "ms"],
      ["requests", (f: Figure) => f.requests, ""],
    ] as const) {
      const perObject = at.map((r) => `${(value(pick(r)!) / r.objects).toFixed(unit ? 2 : 3)}${unit}`);
      const k = slope(first.objects, value(pick(first)!), last.objects, value(pick(last)!));
      const growthRatio = value(pick(last)!) / last.objects / (value(pick(first)!) / first.objects);
      rows.push([
        `${name}: ${what}`,
        perObject.join(" → "),
        Number.isFinite(growthRatio) ? `${growthRatio.toFixed(2)}×` : "—",
        Number.isNaN(k) ? "—" : k.toFixed(2),
        verdict(growthRatio, k),
      ]);
    }
  }
  const sizes = results.map((r) => n(r.services)).join(" → ");
  const goals: string[] = [];
  const plans = results.filter((r) => r.slipwayPlan);
  if (plans.length)
    goals.push(
      `no-op plan requests at ${plans.map((r) => n(r.services)).join(", ")} services: ${plans.map((r) => r.slipwayPlan!.requests).join(", ")} (goal: O(kinds), the same at every size): ${new Set(plans.map((r) => r.slipwayPlan!.requests)).size === 1 ? "met" : "MISSED"}`,
    );
  const largest = results.filter((r) => r.slipwayFull && r.floor).at(-1);
  if (largest)
    goals.push(
      `full deploy at ${n(largest.services)} services: ${ratio(largest.slipwayFull, largest.floor)}× the control plane's floor (goal <= 1.10): ${largest.slipwayFull!.ms / largest.floor!.ms <= 1.1 ? "met" : "MISSED"}`,
    );
  return [
    "",
    `How each cost grows, ${sizes} services (per object at each size; growth: per-object cost at the largest size over the smallest; slope: log-log, 1 = linear)`,
    markdownTable(["figure", "per object", "growth", "slope", ""], rows),
    ...goals,
  ].join("\n");
}

function svg(results: readonly SizeResult[]): string {
  const dashes = { full: undefined, "no-op": "6 4", plan: "2 3" } as const;
  const series: Series[] = lines
    .filter((x) => results.some((r) => x.pick(r)))
    .map(({ name, style, color, pick }) => ({
      name,
      color,
      ...(dashes[style] ? { dash: dashes[style] } : {}),
      points: results.flatMap((r) => {
        const f = pick(r);
        return f ? [[r.services, f.ms / 1000] as const] : [];
      }),
    }));
  return lineChartSvg({
    title: "bench:deploy: wall time by number of services (log-log)",
    xLabel: "services (5 objects each), simulated nodes",
    yLabel: "wall time (s)",
    subtitle: "solid: full deploy from empty; dashed: no-op deploy; dotted: no-op plan",
    series,
  });
}

function json(results: readonly SizeResult[], versions: Readonly<Record<string, string>>): unknown {
  return {
    command: "npm run bench:deploy",
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverage: loadavg().map((l) => Number(l.toFixed(2))) },
    versions,
    sizes: results,
  };
}

export const curveReport = { table, growth, svg, json };
