import type { FleetClusterRead } from "../output/documents.ts";
import type { Plan } from "../plan/plan.ts";

/**
 * Where a fleet's clusters differ before a deploy: per service, the version each cluster runs
 * when they do not all run the same one (a cluster left behind by a stopped line, one deployed
 * alone with --cluster). One line each; none when they agree.
 */
export function versionsAcrossClusters(clusters: readonly FleetClusterRead<Plan>[]): string[] {
  const services = [...new Set(clusters.flatMap((c) => (c.result?.services ?? []).map((s) => s.service)))];
  const lines: string[] = [];
  for (const service of services) {
    const byVersion = new Map<string, string[]>();
    for (const c of clusters) {
      const live = c.result?.services.find((s) => s.service === service)?.liveVersion ?? "nothing";
      byVersion.set(live, [...(byVersion.get(live) ?? []), c.cluster]);
    }
    if (byVersion.size > 1)
      lines.push(
        `${service} differs across the fleet: ${[...byVersion].map(([v, names]) => `${v} on ${names.join(", ")}`).join("; ")}`,
      );
  }
  return lines.length ? ["", "Across the fleet's clusters:", ...lines.map((l) => `  ${l}`)] : [];
}
