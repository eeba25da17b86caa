import type { JenkinsBuild, JenkinsTestCounts } from "../../clients/jenkins/builds.ts";
import type { BuildSearch, JenkinsClient } from "../../clients/jenkins/client.ts";
import { resolveJob, type JenkinsJob } from "../../clients/jenkins/job-path.ts";
import { describeMatch, matchedRevision, matchingBuilds } from "../../clients/jenkins/match.ts";

/** One thing the CI check says; every error carries the link to look at. */
export interface CiFinding {
  readonly severity: "error" | "info";
  readonly message: string;
}

export interface BuildCheckInput {
  readonly client: Pick<JenkinsClient, "searchBuilds" | "testReport" | "jobUrl">;
  /** Folders and job, "/"-separated, with {service} for the service's name: "research/{service}". */
  readonly jobPattern: string;
  readonly service: string;
  readonly version: string;
  /** The git commit the version was built from; when given, builds are matched by it alone. */
  readonly revision?: string;
}

export interface BuildCheckResult {
  /** The version was built, its build succeeded, and it ran tests of which none failed. */
  readonly ok: boolean;
  readonly build?: {
    readonly number: number;
    readonly url: string;
    /** Null while building. */
    readonly result: string | null;
    readonly building: boolean;
    readonly revision?: string;
  };
  readonly tests?: { readonly total: number; readonly failed: number; readonly skipped: number };
  readonly findings: readonly CiFinding[];
}

/**
 * Was this service version built and tested? Finds its build in Jenkins and requires result
 * SUCCESS and a test report with tests and no failures.
 *
 * A build that was read and refused is a result with error findings; Jenkins that could not be
 * read (unreachable, credentials, no such job) throws a JenkinsError, because then nothing is known.
 */
export async function checkBuild(input: BuildCheckInput): Promise<BuildCheckResult> {
  const { client, service, version, revision } = input;
  const job = resolveJob(input.jobPattern, service);
  const wanted = { version, revision };
  const search = await client.searchBuilds(job, (page) => matchingBuilds(page, wanted).length > 0);
  const subject = `${service} ${version}`;
  const [build, ...older] = matchingBuilds(search.builds, wanted);
  if (!build) return { ok: false, findings: [error(noBuild(client.jobUrl(job), job, search, input))] };

  const findings: CiFinding[] = [];
  if (older.length > 0)
    findings.push(
      info(
        `${older.length + 1} builds of ${subject} in "${job.fullName}"; judging the newest, #${build.number}`,
      ),
    );
  const summary = {
    number: build.number,
    url: build.url,
    result: build.result,
    building: build.building,
    revision: revision ? matchedRevision(build, revision) : build.revisions[0],
  };
  const name = `build #${build.number} of ${subject}`;

  // A running build's result and test report are not final; nothing more to judge yet.
  if (build.building) {
    findings.push(error(`${name} is still running; wait for it to finish: ${build.url}`));
    return { ok: false, build: summary, findings };
  }
  const refusal = resultRefusal(build);
  if (refusal) findings.push(error(`${name} ${refusal}: ${build.url}`));

  const counts = await client.testReport(job, build.number);
  const report = `${build.url}testReport/`;
  if (!counts)
    findings.push(
      error(
        `${name} has no test report, so nothing shows that ${subject} was tested; publish JUnit results ` +
          `(the junit step) in the job: ${build.url}`,
      ),
    );
  else if (counts.total === 0) findings.push(error(`${name} has a test report with 0 tests: ${report}`));
  else if (counts.failed > 0)
    findings.push(error(`${name} has ${counts.failed} failing of ${counts.total} tests: ${report}`));

  const ok = !findings.some((f) => f.severity === "error");
  if (ok && counts) findings.push(info(`${name} succeeded with ${testSummary(counts)}: ${build.url}`));
  return { ok, build: summary, ...(counts ? { tests: testsOf(counts) } : {}), findings };
}

/** Why a finished build's result is not good enough, or undefined for SUCCESS. */
function resultRefusal(build: JenkinsBuild): string | undefined {
  switch (build.result) {
    case "SUCCESS":
      return undefined;
    case "FAILURE":
      return "FAILED";
    case "UNSTABLE":
      return "is UNSTABLE (usually failing tests or a quality gate)";
    case "ABORTED":
      return "was ABORTED before it finished";
    case "NOT_BUILT":
      return "was NOT_BUILT (a stage was skipped)";
    default:
      return `finished with result ${build.result ?? "none"}, not SUCCESS`;
  }
}

function noBuild(
  jobUrl: string,
  job: JenkinsJob,
  { builds, complete }: BuildSearch,
  input: BuildCheckInput,
): string {
  const read = builds.length;
  const searched =
    read === 0
      ? "the job has no builds"
      : complete
        ? `searched all its ${read} build${read === 1 ? "" : "s"} for one`
        : `searched its ${read} newest builds (the search stops there) for one`;
  const how = read === 0 ? "" : ` ${describeMatch(input)}`;
  return `no build of ${input.service} ${input.version} in Jenkins job "${job.fullName}" (${jobUrl}): ${searched}${how}`;
}

function testSummary(c: JenkinsTestCounts): string {
  return `${c.total} tests, ${c.failed} failed, ${c.skipped} skipped`;
}

const testsOf = (c: JenkinsTestCounts) => ({ total: c.total, failed: c.failed, skipped: c.skipped });
const error = (message: string): CiFinding => ({ severity: "error", message });
const info = (message: string): CiFinding => ({ severity: "info", message });
