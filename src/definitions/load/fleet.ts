import type { DefinitionProblem } from "../errors.ts";
import { flavourDefaults, type FleetModel } from "../model.ts";
import { analysisDuration } from "../rollout-strategy.ts";
import type { FleetWaveSpec, ResolvedEnvironment } from "../schema/environment.ts";

/**
 * A fleet environment's clusters and waves, checked: `cluster` or `clusters` (not both, not
 * neither), every cluster in exactly one wave, waves naming only its clusters, a bake that is a
 * duration, a failure budget smaller than its wave. Without `waves`, each cluster is a wave of
 * its own, in the order written. Problems go into `problems` at their paths; undefined for a
 * single-cluster environment or when the fleet is wrong.
 */
export function fleetModel(
  env: ResolvedEnvironment,
  at: string,
  configFile: string,
  problems: DefinitionProblem[],
): FleetModel | undefined {
  const problem = (path: string, message: string): void => {
    problems.push({ file: configFile, path: `${at}${path ? `.${path}` : ""}`, message });
  };
  if (!env.clusters) {
    if (!env.cluster)
      problem(
        "cluster",
        `environment "${env.name}" names no cluster (add cluster: { context, namespace, flavour }, or clusters for a fleet)`,
      );
    if (env.waves)
      problem("waves", "waves order the clusters of a fleet, but this environment has no `clusters`");
    return undefined;
  }
  if (env.cluster) {
    problem("cluster", "an environment names either one `cluster` or a fleet of `clusters`, not both");
    return undefined;
  }
  const names = Object.keys(env.clusters);
  if (names.length === 0) {
    problem("clusters", "a fleet needs at least one cluster");
    return undefined;
  }
  const before = problems.length;
  const waves: readonly FleetWaveSpec[] = env.waves ?? names.map((name) => ({ clusters: [name] }));
  const placed = new Map<string, number>();
  waves.forEach((wave, i) => {
    wave.clusters.forEach((name, j) => {
      if (!names.includes(name))
        problem(
          `waves[${i}].clusters[${j}]`,
          `no cluster "${name}" in this fleet (clusters: ${names.join(", ")})`,
        );
      else if (placed.has(name))
        problem(
          `waves[${i}].clusters[${j}]`,
          `cluster "${name}" is already in wave ${(placed.get(name) ?? 0) + 1}: a cluster is deployed once`,
        );
      else placed.set(name, i);
    });
    if (wave.bake !== undefined && analysisDuration(wave.bake) === undefined)
      problem(
        `waves[${i}].bake`,
        `expected a duration such as "90s", "15m" or "1h30m", found "${wave.bake}"`,
      );
    if ((wave.failureBudget ?? 0) >= wave.clusters.length)
      problem(
        `waves[${i}].failureBudget`,
        `a failure budget of ${wave.failureBudget} lets every cluster of this wave (${wave.clusters.length}) fail and the line go on; it must be smaller`,
      );
  });
  for (const name of names)
    if (!placed.has(name) && env.waves)
      problem("waves", `cluster "${name}" is in no wave: it would never be deployed (add it to one)`);
  // Two clusters of one fleet in the same namespace of the same context would be one cluster.
  const seen = new Map<string, string>();
  for (const [name, spec] of Object.entries(env.clusters)) {
    const key = `${spec.cluster.context}/${spec.cluster.namespace}`;
    const other = seen.get(key);
    if (other)
      problem(`clusters.${name}.cluster`, `clusters "${other}" and "${name}" are the same place (${key})`);
    seen.set(key, name);
  }
  if (problems.length > before) return undefined;
  return {
    clusters: Object.entries(env.clusters).map(([name, spec]) => {
      const defaults = flavourDefaults[spec.cluster.flavour];
      const databases = spec.databases ?? env.databases;
      const search = spec.search ?? env.search;
      return {
        name,
        cluster: spec.cluster,
        registry: spec.registry ?? env.registry,
        ...(databases ? { databases } : {}),
        ...(search ? { search } : {}),
        ingressClass: spec.cluster.ingressClass ?? defaults.ingressClass,
        storageClass: spec.cluster.storageClass ?? defaults.storageClass,
      };
    }),
    waves: waves.map((wave) => ({
      clusters: wave.clusters,
      bakeMs: wave.bake ? (analysisDuration(wave.bake) ?? 0) : 0,
      maxParallel: wave.maxParallel ?? 1,
      failureBudget: wave.failureBudget ?? 0,
    })),
  };
}
