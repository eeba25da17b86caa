import { checkBuild } from "../ci/build-check.ts";
import { JenkinsClient } from "../../clients/jenkins/client.ts";
import { JenkinsError } from "../../clients/jenkins/errors.ts";
import { DEFAULT_JOB_PATTERN } from "../../clients/jenkins/job-path.ts";
import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import { failed, passed, skipped, type GateCheck } from "./types.ts";

/**
 * The version's build in Jenkins succeeded with tests, none failing, and it built the commit
 * the image says it was built from: a tag pushed from another commit is refused.
 */
export async function checkServiceBuild(
  env: EnvironmentModel,
  service: ServiceModel,
  imageRevision: string | undefined,
  jenkins: () => Promise<JenkinsClient>,
): Promise<GateCheck> {
  return (await checkServiceBuildFound(env, service, imageRevision, jenkins)).check;
}

/** The check, and the commit the build it found built: what the provenance check compares. */
export async function checkServiceBuildFound(
  env: EnvironmentModel,
  service: ServiceModel,
  imageRevision: string | undefined,
  jenkins: () => Promise<JenkinsClient>,
): Promise<{ check: GateCheck; revision?: string }> {
  const found = (check: GateCheck, revision?: string) => ({ check, ...(revision ? { revision } : {}) });
  const ci = env.ci;
  const subject = `${service.spec.name} ${service.spec.version}`;
  if (!ci)
    return found(
      skipped("ci", `environment ${env.name} names no CI server: nothing says ${subject} was tested`),
    );
  try {
    const result = await checkBuild({
      client: await jenkins(),
      jobPattern: ci.jobPattern ?? DEFAULT_JOB_PATTERN,
      service: service.spec.name,
      version: service.spec.version,
    });
    const problems = result.findings.filter((f) => f.severity === "error").map((f) => f.message);
    const build = result.build;
    const warnings: string[] = [];
    if (build?.revision && imageRevision && !sameCommit(build.revision, imageRevision))
      problems.push(
        `the image's revision label says ${imageRevision}, but Jenkins build #${build.number} of ${subject} built ${build.revision}: the tag was pushed from another commit; rebuild and push it from the tested commit (${build.url})`,
      );
    // Matched by version alone: without the build's commit, nothing ties the image to what was tested.
    if (build && !build.revision)
      warnings.push(
        `Jenkins build #${build.number} of ${subject} records no git revision, so it was not compared with the image's revision label${imageRevision ? ` (${imageRevision})` : ""}: nothing shows the image was built from the commit this build tested; check the code out with Jenkins' git plugin (checkout scm) so the build records its commit (${build.url})`,
      );
    const tests = result.tests
      ? `${result.tests.total} tests, ${result.tests.failed} failed`
      : "no test report";
    const summary = build
      ? `Jenkins build #${build.number} ${build.result ?? "running"}, ${tests}${build.revision ? `, commit ${build.revision}` : ""} (${build.url})`
      : `no Jenkins build of ${subject}`;
    return found(
      problems.length ? failed("ci", summary, problems, warnings) : passed("ci", summary, warnings),
      build?.revision,
    );
  } catch (error) {
    if (error instanceof JenkinsError) return found(failed("ci", `Jenkins at ${ci.url}`, [error.message]));
    throw error;
  }
}

export const sameCommit = (a: string, b: string): boolean => {
  const n = Math.min(a.length, b.length);
  return n >= 7 && a.slice(0, n).toLowerCase() === b.slice(0, n).toLowerCase();
};
