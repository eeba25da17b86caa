/** One line of the plot: a tool's figure at each size. */
export interface Series {
  readonly name: string;
  readonly color: string;
  /** An SVG stroke-dasharray ("6 4": dashed, "2 3": dotted); solid when absent. */
  readonly dash?: string;
  readonly points: readonly (readonly [x: number, y: number])[];
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** A line under the title. */
  readonly subtitle?: string;
  readonly series: readonly Series[];
}

const width = 760;
const height = 460;
const margin = { left: 70, right: 230, top: 48, bottom: 56 };
const escape = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const label = (value: number): string =>
  value >= 1000 ? value.toLocaleString("en-US") : value >= 1 ? String(value) : value.toPrecision(1);

/** Decades (1, 10, 100...) covering the values, with 2 and 5 between them when few decades. */
function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const steps = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++)
    for (const s of steps) {
      const t = s * 10 ** e;
      if (t >= 10 ** lo && t <= 10 ** hi) ticks.push(Number(t.toPrecision(3)));
    }
  return ticks;
}

/**
 * A line chart with logarithmic axes as a standalone SVG: one line per series, a dot per point,
 * a legend to the right. Log-log, so a straight line of slope 1 is linear growth.
 */
export function lineChartSvg(chart: Chart): string {
  const points = chart.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (!points.length) points.push([1, 1]);
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const xTicks = logTicks(Math.min(...xs), Math.max(...xs));
  const yTicks = logTicks(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [Math.log10(xTicks[0]!), Math.log10(xTicks.at(-1)!)];
  const [y0, y1] = [Math.log10(yTicks[0]!), Math.log10(yTicks.at(-1)!)];
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (x: number): number => margin.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * plotW;
  const py = (y: number): number => margin.top + plotH - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * plotH;
  const f = (n: number): string => n.toFixed(1);

  const grid = [
    ...xTicks.map(
      (t) =>
        `<line x1="${f(px(t))}" y1="${margin.top}" x2="${f(px(t))}" y2="${margin.top + plotH}" class="grid"/>` +
        `<text x="${f(px(t))}" y="${margin.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`,
    ),
    ...yTicks.map(
      (t) =>
        `<line x1="${margin.left}" y1="${f(py(t))}" x2="${margin.left + plotW}" y2="${f(py(t))}" class="grid"/>` +
        `<text x="${margin.left - 8}" y="${f(py(t) + 4)}" text-anchor="end">${label(t)}</text>`,
    ),
  ];
  // The first series drawn last, on top: where lines meet, the first one named stays visible.
  const lines = [...chart.series].reverse().map((s) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    const path = pts.map(([x, y], i) => `${i ? "L" : "M"}${f(px(x))},${f(py(y))}`).join(" ");
    const dots = pts.map(([x, y]) => `<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${s.color}"/>`);
    return (
      `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>` +
      dots.join("")
    );
  });
  const legend = chart.series.map((s, i) => {
    const y = margin.top + 10 + i * 20;
    const x = margin.left + plotW + 16;
    return (
      `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>` +
      `<text x="${x + 30}" y="${y + 4}">${escape(s.name)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<style>.grid{stroke:#ddd;stroke-width:1}</style>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${margin.left + plotW / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escape(chart.title)}</text>`,
    ...(chart.subtitle
      ? [
          `<text x="${margin.left + plotW / 2}" y="36" text-anchor="middle" fill="#555">${escape(chart.subtitle)}</text>`,
        ]
      : []),
    ...grid,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    ...lines,
    ...legend,
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
