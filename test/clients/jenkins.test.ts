import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBuild, type BuildCheckInput } from "../../src/checks/ci/build-check.ts";
import { JenkinsClient } from "../../src/clients/jenkins/client.ts";
import { JenkinsCredentials, loadJenkinsCredentials } from "../../src/clients/jenkins/credentials.ts";
import { JenkinsError } from "../../src/clients/jenkins/errors.ts";
import { resolveJob } from "../../src/clients/jenkins/job-path.ts";
import { JenkinsStandIn, type StandInBuild } from "../support/jenkins-stand-in.ts";

const USER = "deployer";
const TOKEN = "11a9e0f3c5d24b7e8f00aa1bb2cc3dd4e5";
const SHA = "3f5e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f";

let jenkins: JenkinsStandIn;
let client: JenkinsClient;

beforeAll(async () => {
  jenkins = await JenkinsStandIn.start({ user: USER, token: TOKEN });
  client = new JenkinsClient({
    baseUrl: jenkins.url,
    credentials: new JenkinsCredentials(USER, TOKEN, "test"),
  });
});
afterAll(() => jenkins.close());

/** A job of its own per test, so builds added by one test never match in another. */
let jobs = 0;
function job(builds: StandInBuild[]): { pattern: string; service: string; urls: string[] } {
  const service = `svc${++jobs}`;
  const urls = builds.map((b) => jenkins.addBuild(`research/${service}`, b).url);
  return { pattern: "research/{service}", service, urls };
}

const check = (pattern: string, service: string, more: Partial<BuildCheckInput> = {}) =>
  checkBuild({ client, jobPattern: pattern, service, version: "1.4.0", ...more });

/** The `tree` of each builds listing of the service's job, in the order they were asked. */
const listings = (service: string): string[] =>
  jenkins.requests
    .filter((q) => q.startsWith(`GET /job/research/job/${service}/api/json`))
    .map((q) => new URL(q.slice(4), jenkins.url).searchParams.get("tree") ?? "");

const errors = (r: { findings: readonly { severity: string; message: string }[] }) =>
  r.findings.filter((f) => f.severity === "error").map((f) => f.message);

describe("checkBuild", () => {
  it("passes a successful build with passing tests", async () => {
    const { pattern, service, urls } = job([
      { version: "1.4.0", revision: SHA, tests: { passed: 40, failed: 0, skipped: 2 } },
    ]);
    const r = await check(pattern, service);
    expect(r).toMatchObject({
      ok: true,
      build: { number: 1, url: urls[0], result: "SUCCESS", revision: SHA },
      tests: { total: 42, failed: 0, skipped: 2 },
    });
    expect(errors(r)).toEqual([]);
    expect(r.findings[0]?.message).toBe(
      `build #1 of ${service} 1.4.0 succeeded with 42 tests, 0 failed, 2 skipped: ${urls[0]}`,
    );
    // The builds list asks only for the fields it reads, a page of 100 at a time.
    expect(listings(service)).toEqual([
      "allBuilds[number,url,result,building,displayName,description,timestamp," +
        "actions[lastBuiltRevision[SHA1],parameters[name,value]]]{0,100}",
    ]);
  });

  const refusals: [string, StandInBuild, RegExp, "build" | "report"][] = [
    ["FAILURE", { result: "FAILURE" }, /build #1 of svc\d+ 1\.4\.0 FAILED/, "build"],
    ["UNSTABLE", { result: "UNSTABLE" }, /is UNSTABLE/, "build"],
    ["ABORTED", { result: "ABORTED" }, /was ABORTED/, "build"],
    ["still building", { building: true }, /is still running; wait for it to finish/, "build"],
    [
      "no test report",
      { tests: "none" },
      /has no test report, so nothing shows that svc\d+ 1\.4\.0 was tested/,
      "build",
    ],
    [
      "zero tests",
      { tests: { passed: 0, failed: 0, skipped: 0 } },
      /has a test report with 0 tests/,
      "report",
    ],
    [
      "failing tests",
      { tests: { passed: 37, failed: 3, skipped: 0 } },
      /has 3 failing of 40 tests/,
      "report",
    ],
  ];
  it.each(refusals)("blocks %s with its reason and link", async (_, build, reason, link) => {
    const { pattern, service, urls } = job([{ version: "1.4.0", ...build }]);
    const r = await check(pattern, service);
    expect(r.ok).toBe(false);
    const [message, ...more] = errors(r);
    expect(more).toEqual([]);
    expect(message).toMatch(reason);
    expect(message).toContain(link === "build" ? urls[0] : `${urls[0]}testReport/`);
  });

  it("reports both a failed result and its failing tests", async () => {
    const { pattern, service } = job([
      { version: "1.4.0", result: "UNSTABLE", tests: { passed: 9, failed: 1, skipped: 0 } },
    ]);
    const r = await check(pattern, service);
    expect(errors(r)).toHaveLength(2);
    expect(r.tests).toEqual({ total: 10, failed: 1, skipped: 0 });
  });

  it("blocks a version that has no build, naming the job searched and how builds are matched", async () => {
    const { pattern, service } = job([{ version: "1.3.0" }, { version: "1.3.1" }]);
    const r = await check(pattern, service);
    expect(r).toMatchObject({ ok: false });
    expect(r.build).toBeUndefined();
    expect(errors(r)).toEqual([
      `no build of ${service} 1.4.0 in Jenkins job "research/${service}" (${jenkins.url}job/research/job/${service}/): ` +
        "searched all its 2 builds for one whose display name, VERSION or TAG parameter is 1.4.0 or v1.4.0",
    ]);
    const byRevision = await check(pattern, service, { revision: "abcdef1" });
    expect(errors(byRevision)[0]).toMatch(/whose git revision \(lastBuiltRevision SHA1\) is abcdef1$/);
  });

  it("says when the job has no builds at all", async () => {
    jenkins.addJob("research/fresh");
    const r = await check("research/{service}", "fresh");
    expect(errors(r)).toEqual([
      `no build of fresh 1.4.0 in Jenkins job "research/fresh" (${jenkins.url}job/research/job/fresh/): the job has no builds`,
    ]);
  });
});

describe("matching a build to a version", () => {
  it("matches by revision, full or abbreviated, and ignores a same-named build of other code", async () => {
    const other = "0123456789abcdef0123456789abcdef01234567";
    const { pattern, service } = job([
      { version: "1.4.0", revision: SHA },
      { version: "1.4.0", revision: other, result: "FAILURE" },
    ]);
    for (const revision of [SHA, SHA.slice(0, 7).toUpperCase()]) {
      const r = await check(pattern, service, { revision });
      expect(r).toMatchObject({ ok: true, build: { number: 1, revision: SHA } });
    }
  });

  it("matches a revision recorded beside a shared library's checkout", async () => {
    const library = "fedcba9876543210fedcba9876543210fedcba98";
    const { pattern, service } = job([{ revision: library, otherRevisions: [SHA] }]);
    const r = await check(pattern, service, { revision: SHA });
    expect(r).toMatchObject({ ok: true, build: { number: 1, revision: SHA } });
  });

  it.each<[string, StandInBuild]>([
    ["the display name", { version: "1.4.0" }],
    ["a tag-named display name", { version: "v1.4.0" }],
    ["a VERSION parameter", { parameters: { VERSION: "1.4.0", DEPLOY: false } }],
    ["a TAG parameter", { parameters: { TAG: "v1.4.0" } }],
  ])("matches by version in %s", async (_, build) => {
    const { pattern, service } = job([{ version: "1.3.9" }, build, { parameters: { VERSION: "1.4.1" } }]);
    const r = await check(pattern, service);
    expect(r).toMatchObject({ ok: true, build: { number: 2 } });
  });

  it("judges the newest of several builds of the version", async () => {
    const { pattern, service, urls } = job([{ version: "1.4.0" }, { version: "1.4.0", result: "FAILURE" }]);
    const r = await check(pattern, service);
    expect(r).toMatchObject({ ok: false, build: { number: 2, url: urls[1] } });
    expect(r.findings[0]).toEqual({
      severity: "info",
      message: `2 builds of ${service} 1.4.0 in "research/${service}"; judging the newest, #2`,
    });
  });

  it("finds a build older than Jenkins' newest 100, reading a page at a time until it is found", async () => {
    const newer = Array.from({ length: 250 }, (_, i): StandInBuild => ({ version: `2.0.${i}` }));
    const { pattern, service } = job([{ version: "1.3.0" }, { version: "1.4.0" }, ...newer]);
    const r = await check(pattern, service);
    expect(r).toMatchObject({ ok: true, build: { number: 2 } });
    expect(listings(service).map((tree) => tree.replace(/^.*\]/, ""))).toEqual([
      "{0,100}",
      "{100,200}",
      "{200,300}",
    ]);
  });

  it("says how far it searched when no build matches", async () => {
    const { pattern, service } = job(Array.from({ length: 130 }, (_, i) => ({ version: `2.0.${i}` })));
    expect(errors(await check(pattern, service))[0]).toMatch(/searched all its 130 builds for one whose/);
    const bounded = await checkBuild({
      client: {
        searchBuilds: (j, found) => client.searchBuilds(j, found, 120),
        testReport: (j, n) => client.testReport(j, n),
        jobUrl: (j) => client.jobUrl(j),
      },
      jobPattern: pattern,
      service,
      version: "1.4.0",
    });
    expect(errors(bounded)[0]).toMatch(/searched its 120 newest builds \(the search stops there\) for one/);
  });
});

describe("Jenkins client", () => {
  it("finds a job in nested folders", async () => {
    jenkins.addBuild("research/platform/files", { version: "1.4.0" });
    const r = await check("research/platform/{service}", "files");
    expect(r).toMatchObject({
      ok: true,
      build: { url: `${jenkins.url}job/research/job/platform/job/files/1/` },
    });
    expect(resolveJob("research/platform/{service}", "files").path).toBe(
      "/job/research/job/platform/job/files/",
    );
  });

  it("finds a multibranch branch whose name has a slash, spelled as Jenkins names it (%2F)", async () => {
    jenkins.addBuild("research/mail/release%2F0.9", { version: "1.4.0" });
    const r = await check("research/{service}/release%2F0.9", "mail");
    expect(r).toMatchObject({
      ok: true,
      build: { url: `${jenkins.url}job/research/job/mail/job/release%252F0.9/1/` },
    });
  });

  it("reads an aggregated test report (totalCount, no passCount)", async () => {
    const { pattern, service } = job([
      { version: "1.4.0", aggregatedReport: true, tests: { passed: 7, failed: 0, skipped: 1 } },
    ]);
    expect((await check(pattern, service)).tests).toEqual({ total: 8, failed: 0, skipped: 1 });
  });

  it("works under a context path", async () => {
    const prefixed = await JenkinsStandIn.start({ user: USER, token: TOKEN, prefix: "/jenkins" });
    try {
      prefixed.addBuild("files", { version: "1.4.0" });
      const c = new JenkinsClient({
        baseUrl: prefixed.url.replace(/\/$/, ""),
        credentials: new JenkinsCredentials(USER, TOKEN, "test"),
      });
      const r = await checkBuild({ client: c, jobPattern: "{service}", service: "files", version: "1.4.0" });
      expect(r).toMatchObject({ ok: true, build: { url: `${prefixed.url}job/files/1/` } });
    } finally {
      await prefixed.close();
    }
  });

  it("says a job is missing, naming it", async () => {
    const error = await check("research/{service}", "nowhere").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JenkinsError);
    expect(error).toMatchObject({
      kind: "not-found",
      message: `Jenkins has no job "research/nowhere" at ${jenkins.url}job/research/job/nowhere/ (or this user cannot see it)`,
    });
  });

  it("says a folder is not a job", async () => {
    jenkins.addFolder("research/multibranch");
    await expect(check("research/{service}", "multibranch")).rejects.toMatchObject({
      kind: "not-a-job",
      message: expect.stringContaining(
        'make the job pattern name the job itself, e.g. "research/multibranch/main"',
      ),
    });
  });

  it("gives an auth error without the token for wrong credentials", async () => {
    const wrong = "ffffeeeeddddccccbbbbaaaa99998888";
    const c = new JenkinsClient({
      baseUrl: jenkins.url,
      credentials: new JenkinsCredentials(USER, wrong, "SLIPWAY_JENKINS_USER/SLIPWAY_JENKINS_TOKEN"),
    });
    const error = await checkBuild({
      client: c,
      jobPattern: "{service}",
      service: "files",
      version: "1",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JenkinsError);
    expect(error).toMatchObject({ kind: "auth", status: 401 });
    expect((error as Error).message).toContain("check SLIPWAY_JENKINS_USER/TOKEN");
    for (const shown of [
      String(error),
      inspect(error),
      JSON.stringify(error),
      inspect(c),
      JSON.stringify(c),
    ]) {
      expect(shown).not.toContain(wrong);
      expect(shown).not.toContain(Buffer.from(`${USER}:${wrong}`).toString("base64"));
    }
  });

  it("says Jenkins is unreachable", async () => {
    const closed = await JenkinsStandIn.start({ user: USER, token: TOKEN });
    const url = closed.url;
    await closed.close();
    const c = new JenkinsClient({ baseUrl: url, credentials: new JenkinsCredentials(USER, TOKEN, "test") });
    await expect(c.searchBuilds(resolveJob("{service}", "files"), () => true)).rejects.toMatchObject({
      kind: "unreachable",
      message: expect.stringMatching(new RegExp(`^Jenkins at ${url} is unreachable: ECONNREFUSED`)),
    });
  });

  it("refuses a URL with credentials in it, without repeating them", () => {
    const baseUrl = `https://u:${TOKEN}@ci.example.org`;
    const credentials = new JenkinsCredentials("u", TOKEN, "test");
    let error: unknown;
    try {
      new JenkinsClient({ baseUrl, credentials });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: "config", message: expect.stringContaining("contains credentials") });
    expect(String(error)).not.toContain(TOKEN);
  });
});

describe("Jenkins credentials", () => {
  const authorization = `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString("base64")}`;

  it("come from SLIPWAY_JENKINS_USER and SLIPWAY_JENKINS_TOKEN", async () => {
    const c = await loadJenkinsCredentials({
      SLIPWAY_JENKINS_USER: USER,
      SLIPWAY_JENKINS_TOKEN: `${TOKEN}\n`,
    });
    expect(c.authorization()).toBe(authorization);
    expect(inspect(c)).toBe("JenkinsCredentials { from SLIPWAY_JENKINS_USER/SLIPWAY_JENKINS_TOKEN }");
  });

  it("come from the SLIPWAY_JENKINS_CREDENTIALS file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-jenkins-"));
    const file = join(dir, "jenkins.json");
    await writeFile(file, JSON.stringify({ user: USER, token: TOKEN }));
    const c = await loadJenkinsCredentials({ SLIPWAY_JENKINS_CREDENTIALS: file });
    expect(c.authorization()).toBe(authorization);
    expect(c.source).toBe(`SLIPWAY_JENKINS_CREDENTIALS file ${file}`);

    // A malformed file's text is the secret: the error must not quote it.
    await writeFile(file, `{ user: ${USER}, token: ${TOKEN} }`);
    const bad = await loadJenkinsCredentials({ SLIPWAY_JENKINS_CREDENTIALS: file }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: "credentials", message: expect.stringContaining("is not JSON") });
    expect(String(bad)).not.toContain(TOKEN);
  });

  it("say what to set when missing or half set", async () => {
    await expect(loadJenkinsCredentials({})).rejects.toThrow(
      /no Jenkins credentials: set SLIPWAY_JENKINS_USER/,
    );
    await expect(loadJenkinsCredentials({ SLIPWAY_JENKINS_TOKEN: TOKEN })).rejects.toThrow(
      "SLIPWAY_JENKINS_TOKEN is set but SLIPWAY_JENKINS_USER is not",
    );
  });
});
