import type { FleetJournalRecord } from "../fleet/journal.ts";
import type { FleetClusterRead, ServiceStatus } from "../output/documents.ts";

/**
 * A fleet's services by clusters, as rows of a table: one column per cluster (its live version
 * and ready pods), and whether the clusters agree. A cluster that could not be read says why.
 */
export function fleetStatusTable(clusters: readonly FleetClusterRead<readonly ServiceStatus[]>[]): {
  header: string[];
  rows: string[][];
  notes: string[];
} {
  const services = [...new Set(clusters.flatMap((c) => (c.result ?? []).map((s) => s.service)))];
  const rows = services.map((service) => {
    const cells = clusters.map((c) => c.result?.find((s) => s.service === service));
    const defined = cells.find((s) => s)?.definedVersion ?? "-";
    const live = new Set(cells.map((s) => s?.liveVersion ?? null));
    return [
      service,
      defined,
      ...cells.map((s, i) =>
        clusters[i]?.error ? "unreadable" : s ? `${s.liveVersion ?? "-"} ${s.ready}` : "-",
      ),
      live.size === 1 && [...live][0] === defined ? "yes" : "no",
    ];
  });
  return {
    header: ["SERVICE", "DEFINED", ...clusters.map((c) => c.cluster.toUpperCase()), "ALL UP TO DATE"],
    rows,
    notes: clusters.flatMap((c) =>
      c.error ? [`${c.cluster} (${c.context}/${c.namespace}): ${c.error}`] : [],
    ),
  };
}

/** The fleet deploy's journal as lines: each wave, its clusters' outcomes, its bake. */
export function fleetJournalLines(journal: FleetJournalRecord | undefined, now = Date.now()): string[] {
  if (!journal) return ["fleet: no fleet deploy on record"];
  const lines = [
    `fleet deploy ${journal.id} by ${journal.by}, started ${journal.startedAt}: ${journal.status}${journal.finishedAt ? ` (${journal.finishedAt})` : ""}`,
  ];
  journal.waves.forEach((wave, i) => {
    const bake = wave.bakeEndsAt
      ? wave.bake
        ? Object.keys(wave.bake.unhealthy).length
          ? `; bake: unhealthy (${Object.entries(wave.bake.unhealthy)
              .map(([c, p]) => `${c}: ${p.join("; ")}`)
              .join("; ")})`
          : "; bake: healthy"
        : `; baking until ${wave.bakeEndsAt} (${Math.max(0, Math.round((Date.parse(wave.bakeEndsAt) - now) / 1000))}s left)`
      : "";
    lines.push(`  wave ${i + 1}: ${wave.state}${bake}`);
    for (const cluster of wave.clusters) {
      const r = wave.finished[cluster];
      lines.push(`    ${cluster}: ${r ? `${r.outcome}: ${r.message}` : "not finished"}`);
    }
  });
  if (journal.status === "running")
    lines.push("  (a deploy left running resumes where it was when run again)");
  return lines;
}
