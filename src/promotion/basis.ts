import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../definitions/model.ts";
import type { Plan } from "../plan/plan.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import type { PromotedService, PromotionRequest } from "./request.ts";

/** What a promotion would deploy now, and, per service, why one cannot be promoted. */
export interface PromotionBasis {
  readonly services: readonly PromotedService[];
  readonly problems: readonly { readonly service: string; readonly message: string }[];
}

/** Both environments' releases, as one request or approval reads them (once). */
export interface PromotionReleases {
  readonly from: readonly ReleaseSummary[];
  readonly to: readonly ReleaseSummary[];
}

/** Reads the releases of the earlier environment and of the target, at once. */
export async function readPromotionReleases(args: {
  readonly from: EnvironmentModel;
  readonly fromCluster: Cluster;
  readonly to: EnvironmentModel;
  readonly toCluster: Cluster;
}): Promise<PromotionReleases> {
  const [from, to] = await Promise.all([
    new ReleaseStore(args.fromCluster, args.from.cluster.namespace).summaries(),
    new ReleaseStore(args.toCluster, args.to.cluster.namespace).summaries(),
  ]);
  return { from, to };
}

/** The release of `service` that runs in an environment now, if any. */
export const deployedIn = (
  releases: readonly ReleaseSummary[],
  service: string,
): ReleaseSummary | undefined => releases.find((s) => s.service === service && s.status === "deployed");

/**
 * What a promotion of the plan's changing services would deploy, given both environments'
 * releases: for each, the version and digest the earlier environment runs (which the target's
 * plan must render), both environments' deployed revisions, and the target's rendered objects.
 * Or why it cannot be.
 */
export async function promotionBasis(args: {
  readonly from: EnvironmentModel;
  /** Reads the record of the earlier environment's running revision (the digest it pinned). */
  readonly fromCluster: Cluster;
  readonly to: EnvironmentModel;
  readonly plan: Plan;
  readonly releases: PromotionReleases;
}): Promise<PromotionBasis> {
  const { from, to, plan, releases } = args;
  const fromStore = new ReleaseStore(args.fromCluster, from.cluster.namespace);
  const problems: { service: string; message: string }[] = [];
  const services: PromotedService[] = [];
  for (const s of plan.services.filter((p) => p.changed)) {
    const running = deployedIn(releases.from, s.service);
    if (!running) {
      problems.push({
        service: s.service,
        message: `${s.service} runs nowhere in ${from.name}: deploy it there first (slipway deploy ${s.service} --env ${from.name})`,
      });
      continue;
    }
    if (running.version !== s.newVersion) {
      problems.push({
        service: s.service,
        message: `${s.service}: ${from.name} runs ${running.version}, but the definitions give ${to.name} ${s.newVersion}: a promotion deploys what ${from.name} runs; deploy ${s.newVersion} to ${from.name} first, or define ${running.version} for ${to.name}`,
      });
      continue;
    }
    const digest = (await fromStore.get(s.service, running.revision)).digests[s.service];
    if (!digest) {
      problems.push({
        service: s.service,
        message: `${s.service}: ${from.name}'s revision ${running.revision} pinned no image digest, so nothing says which image to promote`,
      });
      continue;
    }
    if (s.gate?.digest !== digest) {
      problems.push({
        service: s.service,
        message: `${s.service} ${s.newVersion}: ${from.name} runs ${digest}, but the tag is now ${s.gate?.digest ?? "unresolved"}: it was pushed again since; deploy and test the new image in ${from.name} first`,
      });
      continue;
    }
    services.push({
      service: s.service,
      version: s.newVersion,
      digest,
      fromRevision: running.revision,
      toRevision: deployedIn(releases.to, s.service)?.revision ?? 0,
      objectsHash: s.objectsHash,
    });
  }
  return { services, problems };
}

/**
 * Why a request no longer describes what its approval would deploy: the earlier environment or
 * the target moved, or the target's definitions or parameters changed. Empty: still current.
 */
export function staleBecause(request: PromotionRequest, now: PromotionBasis): string[] {
  const reasons: string[] = [];
  const current = new Map(now.services.map((s) => [s.service, s]));
  for (const was of request.services) {
    const is = current.get(was.service);
    if (!is) {
      const problem = now.problems.find((p) => p.service === was.service);
      reasons.push(problem?.message ?? `${request.to} runs ${was.service} ${was.version} already`);
      continue;
    }
    if (is.fromRevision !== was.fromRevision || is.digest !== was.digest)
      reasons.push(
        `${request.from}'s ${was.service} moved from revision ${was.fromRevision} (${was.version}) to ${is.fromRevision} (${is.version})`,
      );
    if (is.toRevision !== was.toRevision)
      reasons.push(
        `${request.to}'s ${was.service} changed from revision ${was.toRevision} to ${is.toRevision}`,
      );
    if (is.objectsHash !== was.objectsHash)
      reasons.push(`the definitions or parameters of ${was.service} for ${request.to} changed`);
  }
  return reasons;
}
