import { auditNames } from "../audit/convention.ts";
import type { SearchClient } from "../clients/search/client.ts";
import {
  percentiles,
  type CallEvidence,
  type Percentile,
  type TimeWindow,
  type VersionCalls,
} from "./analysis.ts";

/**
 * A call's evidence from the audit index: one search over every index of the call's family
 * (`http_logs_<call>-*`, so a rollover inside the window loses nothing), limited to the window,
 * split by the `version` field each entry carries (the version that served it), with per version
 * the count, the 5xx and 4xx answers and the percentiles of `duration_ms`. Percentiles come from
 * the server's percentiles aggregation (TDigest: exact for small counts, interpolated between
 * values, within a fraction of a percent for large ones).
 */

interface FilterBucket {
  readonly doc_count: number;
  readonly serverErrors: { readonly doc_count: number };
  readonly clientErrors: { readonly doc_count: number };
  readonly latency: { readonly values: readonly { readonly key: number; readonly value: number | null }[] };
}

interface EvidenceResponse {
  readonly aggregations?: {
    readonly versions: { readonly buckets: { readonly stable: FilterBucket; readonly canary: FilterBucket } };
  };
}

export interface CallEvidenceQuery {
  readonly call: string;
  /** The environment's index prefix (search.indexPrefix). */
  readonly prefix?: string;
  readonly stableVersion: string;
  readonly canaryVersion: string;
  readonly window: TimeWindow;
}

/** The search that counts both versions' calls of one call in the window. */
export function evidenceSearch(query: CallEvidenceQuery): Record<string, unknown> {
  const byVersion = {
    serverErrors: { filter: { range: { status: { gte: 500, lte: 599 } } } },
    clientErrors: { filter: { range: { status: { gte: 400, lte: 499 } } } },
    latency: { percentiles: { field: "duration_ms", percents: [50, 95, 99], keyed: false } },
  };
  return {
    size: 0,
    track_total_hits: false,
    query: {
      bool: {
        filter: [
          // [from, to): a call on the boundary belongs to one window only.
          {
            range: {
              "@timestamp": { gte: query.window.from.toISOString(), lt: query.window.to.toISOString() },
            },
          },
          { terms: { version: [query.stableVersion, query.canaryVersion] } },
        ],
      },
    },
    aggs: {
      versions: {
        filters: {
          filters: {
            stable: { term: { version: query.stableVersion } },
            canary: { term: { version: query.canaryVersion } },
          },
        },
        aggs: byVersion,
      },
    },
  };
}

/**
 * Reads one call's evidence. The two versions must differ: the entries say only the version, so
 * a canary of the same version (a configuration change) cannot be told from the stable pods.
 */
export async function readCallEvidence(
  search: SearchClient,
  query: CallEvidenceQuery,
): Promise<CallEvidence> {
  if (query.stableVersion === query.canaryVersion)
    throw new Error(
      `the canary and the stable version are both ${query.canaryVersion}: audit entries name only the version, so their calls cannot be told apart`,
    );
  const pattern = auditNames(query.call, query.prefix ?? "").pattern;
  // A call not written yet has no index: that is no calls, not an error.
  const path = `/${encodeURIComponent(pattern)}/_search?ignore_unavailable=true&allow_no_indices=true&request_cache=false`;
  const response = await search.request<EvidenceResponse>("POST", path, evidenceSearch(query));
  const buckets = response.body.aggregations?.versions.buckets;
  return {
    call: query.call,
    window: query.window,
    stable: versionCalls(query.stableVersion, buckets?.stable),
    canary: versionCalls(query.canaryVersion, buckets?.canary),
  };
}

function versionCalls(version: string, bucket: FilterBucket | undefined): VersionCalls {
  const at = (p: Percentile): number | null => {
    const key = Number(p.slice(1));
    const value = bucket?.latency.values.find((v) => v.key === key)?.value;
    return bucket && bucket.doc_count > 0 && typeof value === "number" ? value : null;
  };
  return {
    version,
    requests: bucket?.doc_count ?? 0,
    serverErrors: bucket?.serverErrors.doc_count ?? 0,
    clientErrors: bucket?.clientErrors.doc_count ?? 0,
    latencyMs: Object.fromEntries(percentiles.map((p) => [p, at(p)])) as Record<Percentile, number | null>,
  };
}

/** Every audited call's evidence for the window, one search per call, in the calls' order. */
export async function readAuditEvidence(
  search: SearchClient,
  calls: readonly string[],
  query: Omit<CallEvidenceQuery, "call">,
): Promise<CallEvidence[]> {
  return Promise.all(calls.map((call) => readCallEvidence(search, { ...query, call })));
}
