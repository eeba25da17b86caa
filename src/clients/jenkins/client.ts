import { ZodError } from "zod";
import { fetchFailure } from "../fetch-failure.ts";
import {
  buildsTree,
  parseBuilds,
  parseTestReport,
  testReportTree,
  type JenkinsBuild,
  type JenkinsTestCounts,
} from "./builds.ts";
import { loadJenkinsCredentials, type JenkinsCredentials } from "./credentials.ts";
import { JenkinsError } from "./errors.ts";
import type { JenkinsJob } from "./job-path.ts";

export interface JenkinsClientOptions {
  /** Jenkins' root URL, e.g. https://jenkins.example.org or https://example.org/jenkins/. */
  readonly baseUrl: string;
  readonly credentials: JenkinsCredentials;
  /** Per request; Jenkins behind a slow proxy can take a while, but a hang must end. */
  readonly timeoutMs?: number;
}

/** Builds read per request: Jenkins' own page size for a job's `builds`. */
export const BUILD_PAGE_SIZE = 100;
/** Where a search for a version's build gives up: a plan must not read a job's whole history. */
export const DEFAULT_BUILD_SEARCH_LIMIT = 1000;

/** Builds read by {@link JenkinsClient.searchBuilds}, newest first. */
export interface BuildSearch {
  readonly builds: JenkinsBuild[];
  /** Every build the job has was read (no build older than the last one read). */
  readonly complete: boolean;
}

/** Reads jobs, builds and test reports from Jenkins' JSON API (GET only, so no CSRF crumb). */
export class JenkinsClient {
  readonly baseUrl: string;
  readonly #credentials: JenkinsCredentials;
  readonly #timeoutMs: number;

  constructor(options: JenkinsClientOptions) {
    this.baseUrl = rootUrl(options.baseUrl);
    this.#credentials = options.credentials;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** A client with credentials from the environment (see {@link loadJenkinsCredentials}). */
  static async fromEnv(
    baseUrl: string,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): Promise<JenkinsClient> {
    return new JenkinsClient({ baseUrl, credentials: await loadJenkinsCredentials(env) });
  }

  /** The job's page, for messages and links. */
  jobUrl(job: JenkinsJob): string {
    return this.#page(job.path);
  }

  /**
   * The job's builds, newest first, read a page at a time until `found` accepts the page just
   * read, the job has no more, or `limit` builds were read.
   */
  async searchBuilds(
    job: JenkinsJob,
    found: (page: readonly JenkinsBuild[]) => boolean,
    limit = DEFAULT_BUILD_SEARCH_LIMIT,
  ): Promise<BuildSearch> {
    const builds: JenkinsBuild[] = [];
    while (builds.length < limit) {
      const from = builds.length;
      const to = Math.min(from + BUILD_PAGE_SIZE, limit);
      const page = await this.#buildsPage(job, from, to);
      builds.push(...page);
      if (page.length < to - from) return { builds, complete: true };
      if (found(page)) return { builds, complete: false };
    }
    return { builds, complete: false };
  }

  async #buildsPage(job: JenkinsJob, from: number, to: number): Promise<JenkinsBuild[]> {
    const json = await this.#get(job.path, { tree: buildsTree(from, to) });
    if (json === undefined)
      throw new JenkinsError(
        "not-found",
        `Jenkins has no job "${job.fullName}" at ${this.jobUrl(job)} (or this user cannot see it)`,
        this.jobUrl(job),
        404,
      );
    const builds = this.#parse(() => parseBuilds(json), job.path);
    if (builds === undefined)
      throw new JenkinsError(
        "not-a-job",
        `"${job.fullName}" at ${this.jobUrl(job)} has no builds of its own: it is a folder or a multibranch ` +
          `project; make the job pattern name the job itself, e.g. "${job.fullName}/main"`,
        this.jobUrl(job),
      );
    return builds;
  }

  /** The build's test counts, or undefined when it published no test report. */
  async testReport(job: JenkinsJob, build: number): Promise<JenkinsTestCounts | undefined> {
    const path = `${job.path}${build}/testReport/`;
    const json = await this.#get(path, { tree: testReportTree });
    return json === undefined ? undefined : this.#parse(() => parseTestReport(json), path);
  }

  #page(path: string): string {
    return new URL(path.replace(/^\/+/, ""), this.baseUrl).href;
  }

  /** The JSON of a page's `api/json`, or undefined on 404. */
  async #get(path: string, query: Readonly<Record<string, string>>): Promise<unknown> {
    const page = this.#page(path);
    const url = new URL("api/json", page);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: this.#credentials.authorization(), accept: "application/json" },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw new JenkinsError(
        "unreachable",
        `Jenkins at ${this.baseUrl} is unreachable: ${fetchFailure(e, this.#timeoutMs)}`,
        page,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      const refusal =
        response.status === 401
          ? "rejected the user or API token"
          : "refused access (the user lacks Overall/Read or Job/Read, or no credentials reached it)";
      throw new JenkinsError(
        "auth",
        `Jenkins at ${this.baseUrl} ${refusal} (HTTP ${response.status} for ${page}): check ` +
          `SLIPWAY_JENKINS_USER/TOKEN; the credentials came from ${this.#credentials.source}`,
        page,
        response.status,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new JenkinsError(
        "bad-response",
        `Jenkins answered HTTP ${response.status} ${response.statusText} for ${page}`,
        page,
        response.status,
      );
    }
    const type = response.headers.get("content-type") ?? "";
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      // Typically a proxy's or SSO login page answering in Jenkins' place.
      throw new JenkinsError(
        "bad-response",
        `${page} did not answer with JSON (content-type "${type}"): is ${this.baseUrl} Jenkins' root URL?`,
        page,
        response.status,
      );
    }
  }

  #parse<T>(parse: () => T, path: string): T {
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof ZodError)) throw e;
      const issue = e.issues[0];
      const where = issue?.path.join(".") || "(top level)";
      throw new JenkinsError(
        "bad-response",
        `unexpected JSON from Jenkins for ${this.#page(path)}: ${where}: ${issue?.message ?? "invalid"}`,
        this.#page(path),
      );
    }
  }
}

/** The root URL with a trailing slash, so that job paths resolve under a context path like /jenkins/. */
function rootUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new JenkinsError("config", `the Jenkins URL is not a URL`);
  }
  // Credentials in the URL would end up in every message that names it.
  if (url.username || url.password)
    throw new JenkinsError(
      "config",
      `the Jenkins URL for ${url.host} contains credentials; give them in SLIPWAY_JENKINS_USER/TOKEN instead`,
    );
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new JenkinsError("config", `the Jenkins URL must be http or https, not ${url.protocol}`);
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.href;
}
