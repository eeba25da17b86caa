import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel, ServiceModel } from "../../definitions/model.ts";
import { SignoffStore } from "../../release/signoff.ts";
import { ReleaseStore } from "../../release/store.ts";
import { failed, passed, type GateCheck } from "./types.ts";

/**
 * Tested on the development system, by machine and by hand: the same image digest was deployed
 * successfully to the earlier environment, and someone signed off its manual test there.
 */
export async function checkPromotion(
  project: ProjectModel,
  env: EnvironmentModel,
  service: ServiceModel,
  digest: string | undefined,
  clusterFor: (env: EnvironmentModel) => Cluster,
): Promise<GateCheck | undefined> {
  const promotion = env.promotion;
  if (!promotion) return undefined;
  const earlier = project.environments.find((e) => e.name === promotion.from);
  if (!earlier) return failed("promotion", `from ${promotion.from}`, [`no environment ${promotion.from}`]);
  const { name } = service.spec;
  const version = service.spec.version;
  const cluster = clusterFor(earlier);
  const namespace = earlier.cluster.namespace;
  const store = new ReleaseStore(cluster, namespace);
  const candidates = (await store.summaries(name)).filter(
    (s) => s.version === version && (s.status === "deployed" || s.status === "superseded"),
  );
  const records = await Promise.all(candidates.map((c) => store.get(name, c.revision)));
  const same = records.find((r) => digest !== undefined && r.digests[name] === digest);
  const problems: string[] = [];
  if (records.length === 0)
    problems.push(
      `${name} ${version} was never deployed successfully to ${earlier.name}: deploy it there first (slipway deploy ${name} --env ${earlier.name})`,
    );
  else if (!same)
    problems.push(
      `${earlier.name} ran ${name} ${version} as ${records.map((r) => r.digests[name] ?? "an unpinned image").join(", ")}, but ${version} is now ${digest ?? "unresolved"}: the tag was pushed again; deploy and test the new image in ${earlier.name} first`,
    );
  if (promotion.signoff !== false) {
    const signoff = await new SignoffStore(cluster, namespace).get(name, version);
    if (!signoff)
      problems.push(
        `nobody signed off the manual test of ${name} ${version} in ${earlier.name}: slipway signoff ${name} ${version} --env ${earlier.name} --note "what was tested"`,
      );
    else if (digest && signoff.digest && signoff.digest !== digest)
      problems.push(
        `the signoff of ${name} ${version} in ${earlier.name} (by ${signoff.by}) was for ${signoff.digest}, not ${digest}: test the new image and sign off again`,
      );
    if (problems.length === 0)
      return passed(
        "promotion",
        `deployed to ${earlier.name} as revision ${same?.revision}, signed off by ${signoff?.by} at ${signoff?.at}: ${signoff?.note}`,
      );
  } else if (problems.length === 0) {
    return passed("promotion", `deployed to ${earlier.name} as revision ${same?.revision}`);
  }
  return failed("promotion", `from ${earlier.name}`, problems);
}
