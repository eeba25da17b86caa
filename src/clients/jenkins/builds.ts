import { z } from "zod";

/** One build as Slipway needs it, read from Jenkins' JSON API. */
export interface JenkinsBuild {
  readonly number: number;
  /** The build's page, as Jenkins' configured root URL spells it. */
  readonly url: string;
  /** SUCCESS, UNSTABLE, FAILURE, ABORTED or NOT_BUILT; null while building. */
  readonly result: string | null;
  readonly building: boolean;
  readonly displayName: string;
  readonly description: string | null;
  /** Start, in milliseconds since the epoch. */
  readonly timestamp: number;
  /**
   * Every git revision the build recorded (lastBuiltRevision.SHA1 of each git BuildData), the
   * project's first. Pipeline shared libraries and extra checkouts add their own.
   */
  readonly revisions: readonly string[];
  /** Build parameters; non-string values (booleans) as their text. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** A build's test counts. */
export interface JenkinsTestCounts {
  readonly total: number;
  readonly failed: number;
  readonly skipped: number;
  readonly passed: number;
}

/**
 * The `tree` that asks for exactly the fields {@link parseBuilds} reads, for builds `from` (inclusive)
 * to `to` (exclusive), newest first. `allBuilds`, because Jenkins' `builds` stops at the newest 100.
 */
export const buildsTree = (from: number, to: number): string =>
  "allBuilds[number,url,result,building,displayName,description,timestamp," +
  `actions[lastBuiltRevision[SHA1],parameters[name,value]]]{${from},${to}}`;

export const testReportTree = "failCount,skipCount,passCount,totalCount";

// Actions are a mixed list (causes, git data, parameters, empty `{}` for the rest); only two kinds matter.
const action = z
  .object({
    lastBuiltRevision: z.object({ SHA1: z.string() }).nullish(),
    parameters: z.array(z.object({ name: z.string(), value: z.unknown() })).nullish(),
  })
  .nullable();

const build = z.object({
  number: z.number().int(),
  url: z.string(),
  result: z.string().nullish(),
  building: z.boolean().nullish(),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  timestamp: z.number().nullish(),
  actions: z.array(action).nullish(),
});

// A folder or multibranch project answers without `allBuilds`.
const job = z.object({ allBuilds: z.array(build).optional() });

// A plain JUnit report has passCount but no totalCount; an aggregated one (Maven, matrix) the reverse.
const testReport = z.object({
  failCount: z.number().int().nullish(),
  skipCount: z.number().int().nullish(),
  passCount: z.number().int().nullish(),
  totalCount: z.number().int().nullish(),
});

/** Builds from a job's JSON, newest first; undefined when the JSON is not a job's (no `allBuilds`). */
export function parseBuilds(json: unknown): JenkinsBuild[] | undefined {
  const parsed = job.parse(json);
  return parsed.allBuilds?.map((b) => {
    const actions = (b.actions ?? []).filter((a) => a !== null);
    const parameters: Record<string, string> = {};
    for (const p of actions.flatMap((a) => a.parameters ?? []))
      if (p.value !== null && p.value !== undefined && typeof p.value !== "object")
        parameters[p.name] = String(p.value);
    return {
      number: b.number,
      url: b.url,
      result: b.result ?? null,
      building: b.building ?? false,
      displayName: b.displayName ?? `#${b.number}`,
      description: b.description ?? null,
      timestamp: b.timestamp ?? 0,
      revisions: actions.flatMap((a) => (a.lastBuiltRevision ? [a.lastBuiltRevision.SHA1] : [])),
      parameters,
    };
  });
}

export function parseTestReport(json: unknown): JenkinsTestCounts {
  const r = testReport.parse(json);
  const failed = r.failCount ?? 0;
  const skipped = r.skipCount ?? 0;
  const total = r.totalCount ?? (r.passCount ?? 0) + failed + skipped;
  return { total, failed, skipped, passed: r.passCount ?? total - failed - skipped };
}
