import type { SearchClient } from "../clients/search/client.ts";
import { readCallEvidence } from "../canary/audit-evidence.ts";
import { judgeCall, type TimeWindow } from "../canary/analysis.ts";
import type { AnalysisThresholds } from "../definitions/rollout-strategy.ts";

/** One service a wave's cluster got: its audited calls, the version before and the version now. */
export interface BakedService {
  readonly service: string;
  readonly calls: readonly string[];
  readonly previousVersion?: string;
  readonly version: string;
  readonly thresholds: AnalysisThresholds;
}

/** What the audit index says of a cluster's bake: problems fail it; notes only say what was (not) judged. */
export interface BakeAuditVerdict {
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

/**
 * Judges each audited call of the services a cluster got, from its audit index, the way a
 * canary's analysis judges a canary against the stable version: here the new version's calls
 * in the bake window against the previous version's in as long a window before the wave started
 * (the same cluster, the same traffic). A failed check (more 5xx or 4xx, slower) makes the
 * cluster unhealthy; too few calls on either side judges nothing, and says so.
 */
export async function judgeBakeByAuditIndex(input: {
  readonly search: SearchClient;
  readonly indexPrefix?: string;
  readonly services: readonly BakedService[];
  /** When the wave's deploy of this cluster began: the "before" window ends there. */
  readonly deployedAt: Date;
  readonly bake: TimeWindow;
}): Promise<BakeAuditVerdict> {
  const problems: string[] = [];
  const notes: string[] = [];
  const lengthMs = input.bake.to.getTime() - input.bake.from.getTime();
  const before: TimeWindow = { from: new Date(input.deployedAt.getTime() - lengthMs), to: input.deployedAt };
  for (const service of input.services) {
    if (!service.previousVersion || service.previousVersion === service.version) {
      if (service.calls.length)
        notes.push(`${service.service}: no earlier version to compare its calls with`);
      continue;
    }
    for (const call of service.calls) {
      const query = {
        call,
        ...(input.indexPrefix ? { prefix: input.indexPrefix } : {}),
        stableVersion: service.previousVersion,
        canaryVersion: service.version,
      };
      const [earlier, during] = await Promise.all([
        readCallEvidence(input.search, { ...query, window: before }),
        readCallEvidence(input.search, { ...query, window: input.bake }),
      ]);
      const verdict = judgeCall(
        { call, window: input.bake, stable: earlier.stable, canary: during.canary },
        service.thresholds,
      );
      const failed = verdict.checks.filter((c) => c.verdict === "fail");
      // The analysis words its reasons for a canary beside a stable version: here they are the
      // new version in the bake and the previous one before it.
      const said = (reason: string): string =>
        reason
          .replaceAll("the stable version's", `${service.previousVersion} before`)
          .replaceAll("the stable version", `${service.previousVersion} before`)
          .replaceAll("the stable's", `${service.previousVersion}'s before`)
          .replaceAll("the canary", `${service.version} during the bake`);
      if (verdict.verdict === "fail")
        problems.push(`${call}: ${failed.map((c) => `${c.metric}: ${said(c.reason)}`).join("; ")}`);
      else if (verdict.verdict === "inconclusive")
        notes.push(
          `${call}: ${said(verdict.checks.find((c) => c.verdict === "inconclusive")?.reason ?? "not judged")}`,
        );
      else
        notes.push(
          `${call}: ${service.version} served ${during.canary.requests} calls in the bake, as well as ${service.previousVersion} before`,
        );
    }
  }
  return { problems, notes };
}
